#include "model/tokenizer/post_processors.h"

#include "absl/strings/str_split.h"
#include "model/status_macros.h"

namespace reasonrl::tokenizer {
namespace {

class NoOpProcessor : public PostProcessor {
 public:
  void Process(std::vector<int32_t>*) const override {}
};

class AffixProcessor : public PostProcessor {
 public:
  AffixProcessor(std::vector<int32_t> prefix, std::vector<int32_t> suffix)
      : prefix_(std::move(prefix)), suffix_(std::move(suffix)) {}
  void Process(std::vector<int32_t>* ids) const override {
    ids->insert(ids->begin(), prefix_.begin(), prefix_.end());
    ids->insert(ids->end(), suffix_.begin(), suffix_.end());
  }

 private:
  std::vector<int32_t> prefix_, suffix_;
};

class SequenceProcessor : public PostProcessor {
 public:
  explicit SequenceProcessor(std::vector<std::unique_ptr<PostProcessor>> parts) : parts_(std::move(parts)) {}
  void Process(std::vector<int32_t>* ids) const override {
    for (const auto& p : parts_) p->Process(ids);
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> parts_;
};

// One piece of a template: a special token's name, or the sequence (name empty).
struct TemplatePiece {
  std::string special;
  bool sequence_a = false;
};

// Template pieces from the JSON form [{"SpecialToken": {"id": "<s>", ...}}, {"Sequence": {"id": "A", ...}}] or
// the string form "<s>:0 $A:0 </s>:0".
absl::StatusOr<std::vector<TemplatePiece>> ParseTemplate(const Json& j, const std::string& path) {
  std::vector<TemplatePiece> pieces;
  if (j.is_string()) {
    for (absl::string_view word : absl::StrSplit(j.get<std::string>(), ' ', absl::SkipEmpty())) {
      std::string w(word);
      if (!w.empty() && w[0] == '$') {
        std::string name = w.substr(1, w.find(':') == std::string::npos ? std::string::npos : w.find(':') - 1);
        if (name.empty() || name == "A" || name == "0") {
          pieces.push_back({"", true});
          continue;
        }
        return JsonError(path, absl::StrCat("the single-sequence template uses sequence \"", w, "\""));
      }
      const size_t colon = w.rfind(':');
      pieces.push_back({colon == std::string::npos ? w : w.substr(0, colon), false});
    }
    return pieces;
  }
  if (!j.is_array()) return JsonError(path, "expected a template string or array");
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string p = JsonIndex(path, i);
    const Json& e = j[i];
    if (!e.is_object() || e.size() != 1) return JsonError(p, "expected {\"SpecialToken\": ...} or {\"Sequence\": ...}");
    const std::string& kind = e.begin().key();
    const Json& body = e.begin().value();
    RETURN_IF_ERROR(RequireObject(body, JsonChild(p, kind)));
    ASSIGN_OR_RETURN(std::string id, RequiredString(body, "id", JsonChild(p, kind)));
    if (kind == "SpecialToken") {
      pieces.push_back({id, false});
    } else if (kind == "Sequence") {
      if (id != "A") return JsonError(JsonChild(p, kind), absl::StrCat("the single-sequence template uses sequence ", id));
      pieces.push_back({"", true});
    } else {
      return JsonError(p, absl::StrCat("unsupported template piece \"", kind, "\""));
    }
  }
  return pieces;
}

absl::StatusOr<std::unique_ptr<PostProcessor>> ParseTemplateProcessing(const Json& j, const std::string& path) {
  const Json* single = JsonField(j, "single");
  if (single == nullptr) return JsonError(path, "missing key \"single\"");
  ASSIGN_OR_RETURN(std::vector<TemplatePiece> pieces, ParseTemplate(*single, JsonChild(path, "single")));
  const std::string specials_path = JsonChild(path, "special_tokens");
  const Json* specials = JsonField(j, "special_tokens");
  std::vector<int32_t> prefix, suffix;
  bool seen_sequence = false;
  for (const TemplatePiece& piece : pieces) {
    if (piece.sequence_a) {
      if (seen_sequence) return JsonError(JsonChild(path, "single"), "sequence A appears twice");
      seen_sequence = true;
      continue;
    }
    const Json* entry = specials != nullptr && specials->is_object() ? JsonField(*specials, piece.special) : nullptr;
    if (entry == nullptr) {
      return JsonError(specials_path, absl::StrCat("missing special token \"", piece.special, "\" used by single"));
    }
    const std::string entry_path = JsonChild(specials_path, piece.special);
    const Json* ids = entry->is_object() ? JsonField(*entry, "ids") : nullptr;
    if (ids == nullptr || !ids->is_array()) return JsonError(entry_path, "expected an object with an \"ids\" array");
    for (const Json& id : *ids) {
      if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() > INT32_MAX) {
        return JsonError(JsonChild(entry_path, "ids"), absl::StrCat("expected ids, got ", JsonBrief(id)));
      }
      (seen_sequence ? suffix : prefix).push_back(static_cast<int32_t>(id.get<int64_t>()));
    }
  }
  if (!seen_sequence) return JsonError(JsonChild(path, "single"), "the template has no $A");
  return MakeAffixProcessor(std::move(prefix), std::move(suffix));
}

// "cls" / "sep" of BertProcessing and RobertaProcessing: ["[CLS]", 101].
absl::StatusOr<int32_t> TokenPairId(const Json& j, std::string_view key, const std::string& path) {
  const Json* v = JsonField(j, key);
  const std::string p = JsonChild(path, key);
  if (v == nullptr) return JsonError(path, absl::StrCat("missing key \"", std::string(key), "\""));
  if (!v->is_array() || v->size() != 2 || !(*v)[0].is_string() || !(*v)[1].is_number_integer() ||
      (*v)[1].get<int64_t>() < 0 || (*v)[1].get<int64_t>() > INT32_MAX) {
    return JsonError(p, absl::StrCat("expected [token, id], got ", JsonBrief(*v)));
  }
  return static_cast<int32_t>((*v)[1].get<int64_t>());
}

}  // namespace

std::unique_ptr<PostProcessor> MakeAffixProcessor(std::vector<int32_t> prefix, std::vector<int32_t> suffix) {
  return std::make_unique<AffixProcessor>(std::move(prefix), std::move(suffix));
}

absl::StatusOr<std::unique_ptr<PostProcessor>> ParsePostProcessor(const Json& j, const std::string& path) {
  ASSIGN_OR_RETURN(const std::string type, ComponentType(j, path));
  if (type == "ByteLevel") return std::unique_ptr<PostProcessor>(new NoOpProcessor());
  if (type == "TemplateProcessing") return ParseTemplateProcessing(j, path);
  if (type == "BertProcessing" || type == "RobertaProcessing") {
    ASSIGN_OR_RETURN(const int32_t cls, TokenPairId(j, "cls", path));
    ASSIGN_OR_RETURN(const int32_t sep, TokenPairId(j, "sep", path));
    return MakeAffixProcessor({cls}, {sep});
  }
  if (type == "Sequence") {
    const std::string list_path = JsonChild(path, "processors");
    const Json* list = JsonField(j, "processors");
    if (list == nullptr || !list->is_array()) return JsonError(list_path, "expected an array");
    std::vector<std::unique_ptr<PostProcessor>> parts;
    for (size_t i = 0; i < list->size(); ++i) {
      ASSIGN_OR_RETURN(auto part, ParsePostProcessor((*list)[i], JsonIndex(list_path, i)));
      parts.push_back(std::move(part));
    }
    return std::unique_ptr<PostProcessor>(new SequenceProcessor(std::move(parts)));
  }
  return UnsupportedType(path, type);
}

}  // namespace reasonrl::tokenizer
