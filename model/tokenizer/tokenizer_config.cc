#include "model/tokenizer/tokenizer_config.h"

#include "model/status_macros.h"
#include "model/tokenizer/json_util.h"

namespace reasonrl::tokenizer {
namespace {

absl::StatusOr<std::optional<std::string>> SpecialToken(const Json& config, std::string_view key,
                                                        const std::string& path) {
  const Json* v = JsonField(config, key);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (v->is_string()) return std::optional<std::string>(v->get<std::string>());
  if (v->is_object()) {
    ASSIGN_OR_RETURN(std::string content, RequiredString(*v, "content", JsonChild(path, key)));
    return std::optional<std::string>(std::move(content));
  }
  return JsonError(JsonChild(path, key), absl::StrCat("expected a string or {\"content\": ...}, got ", JsonBrief(*v)));
}

absl::StatusOr<std::optional<bool>> OptionalFlag(const Json& config, std::string_view key, const std::string& path) {
  const Json* v = JsonField(config, key);
  if (v == nullptr || v->is_null()) return std::optional<bool>();
  if (!v->is_boolean()) return JsonError(JsonChild(path, key), absl::StrCat("expected true or false, got ", JsonBrief(*v)));
  return std::optional<bool>(v->get<bool>());
}

}  // namespace

absl::StatusOr<TokenizerConfig> ParseTokenizerConfig(std::string_view json, const std::string& file) {
  const std::string path = file + ": ";
  Json config = Json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (config.is_discarded()) {
    // Parse again with exceptions only to get the position of the error.
    try {
      const Json unused = Json::parse(json.begin(), json.end());
      (void)unused;
    } catch (const Json::exception& e) {
      return absl::InvalidArgumentError(absl::StrCat(file, ": invalid JSON: ", e.what()));
    }
    return absl::InvalidArgumentError(absl::StrCat(file, ": invalid JSON"));
  }
  if (!config.is_object()) return absl::InvalidArgumentError(absl::StrCat(file, ": expected a JSON object"));
  TokenizerConfig c;
  ASSIGN_OR_RETURN(c.bos_token, SpecialToken(config, "bos_token", path));
  ASSIGN_OR_RETURN(c.eos_token, SpecialToken(config, "eos_token", path));
  ASSIGN_OR_RETURN(c.pad_token, SpecialToken(config, "pad_token", path));
  ASSIGN_OR_RETURN(c.unk_token, SpecialToken(config, "unk_token", path));
  ASSIGN_OR_RETURN(c.add_bos_token, OptionalFlag(config, "add_bos_token", path));
  ASSIGN_OR_RETURN(c.add_eos_token, OptionalFlag(config, "add_eos_token", path));
  ASSIGN_OR_RETURN(c.clean_up_tokenization_spaces, OptionalBool(config, "clean_up_tokenization_spaces", path, false));
  const Json* tmpl = JsonField(config, "chat_template");
  const std::string tmpl_path = JsonChild(path, "chat_template");
  if (tmpl != nullptr && tmpl->is_string()) {
    c.chat_template = tmpl->get<std::string>();
  } else if (tmpl != nullptr && tmpl->is_array()) {
    for (size_t i = 0; i < tmpl->size(); ++i) {
      const Json& e = (*tmpl)[i];
      const std::string p = JsonIndex(tmpl_path, i);
      RETURN_IF_ERROR(RequireObject(e, p));
      ASSIGN_OR_RETURN(const std::string name, RequiredString(e, "name", p));
      ASSIGN_OR_RETURN(std::string text, RequiredString(e, "template", p));
      if (name == "default") c.chat_template = std::move(text);
    }
  } else if (tmpl != nullptr && !tmpl->is_null()) {
    return JsonError(tmpl_path, absl::StrCat("expected a string or a list of {name, template}, got ", JsonBrief(*tmpl)));
  }
  return c;
}

}  // namespace reasonrl::tokenizer
