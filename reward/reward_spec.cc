#include "reward/reward_spec.h"

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace reasonrl::reward {
namespace {

using json = nlohmann::json;

// ---- Parameter bindings: one list per Config, used to parse, to write and to document. ----

template <typename C>
struct Param {
  std::string name;
  std::string type;  // for docs: "number", "integer", "string", "r1_zero | r1_chat"
  std::string doc;
  // Reads `value` into the config; on error returns what was wrong (the caller adds the path).
  std::function<absl::Status(const json& value, C& config)> read;
  std::function<json(const C& config)> write;
};

std::string Shown(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 60) {
    size_t cut = 57;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
    text = text.substr(0, cut) + "...";
  }
  return text;
}

// A field of C reached through `get` (a member, or a member of a member).
template <typename C, typename T>
using Getter = std::function<T&(C&)>;

template <typename C, typename T>
Getter<C, T> Member(T C::*field) {
  return [field](C& c) -> T& { return c.*field; };
}

template <typename C>
Param<C> NumberAt(std::string name, Getter<C, double> get, std::string doc) {
  return {std::move(name), "number", std::move(doc),
          [get](const json& v, C& c) {
            if (!v.is_number()) return absl::InvalidArgumentError(absl::StrCat("expected a number, got ", Shown(v)));
            get(c) = v.get<double>();
            return absl::OkStatus();
          },
          [get](const C& c) { return json(get(const_cast<C&>(c))); }};
}

template <typename C>
Param<C> Number(std::string name, double C::*field, std::string doc) {
  return NumberAt<C>(std::move(name), Member(field), std::move(doc));
}

// Whether the JSON integer `v` fits T.
template <typename T>
bool FitsInteger(const json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<T>::max());
  const int64_t x = v.get<int64_t>();
  if constexpr (std::is_unsigned_v<T>) {
    return x >= 0 && static_cast<uint64_t>(x) <= static_cast<uint64_t>(std::numeric_limits<T>::max());
  } else {
    return x >= static_cast<int64_t>(std::numeric_limits<T>::min()) &&
           x <= static_cast<int64_t>(std::numeric_limits<T>::max());
  }
}

template <typename C, typename T>
Param<C> IntegerAt(std::string name, Getter<C, T> get, std::string doc) {
  static_assert(std::is_integral_v<T>);
  return {std::move(name), "integer", std::move(doc),
          [get](const json& v, C& c) {
            if (!v.is_number_integer()) {
              return absl::InvalidArgumentError(absl::StrCat("expected an integer, got ", Shown(v)));
            }
            if (!FitsInteger<T>(v)) {
              return absl::InvalidArgumentError(absl::StrCat("expected an integer in [",
                                                             std::numeric_limits<T>::min(), ", ",
                                                             std::numeric_limits<T>::max(), "], got ", Shown(v)));
            }
            get(c) = v.get<T>();
            return absl::OkStatus();
          },
          [get](const C& c) { return json(get(const_cast<C&>(c))); }};
}

template <typename C, typename T>
Param<C> Integer(std::string name, T C::*field, std::string doc) {
  return IntegerAt<C, T>(std::move(name), Member(field), std::move(doc));
}

template <typename C>
Param<C> String(std::string name, std::string C::*field, std::string doc) {
  return {std::move(name), "string", std::move(doc),
          [field](const json& v, C& c) {
            if (!v.is_string()) return absl::InvalidArgumentError(absl::StrCat("expected a string, got ", Shown(v)));
            c.*field = v.get<std::string>();
            return absl::OkStatus();
          },
          [field](const C& c) { return json(c.*field); }};
}

template <typename C, typename E>
Param<C> Enum(std::string name, E C::*field, std::vector<std::pair<std::string, E>> values, std::string doc) {
  std::vector<std::string> names;
  for (const auto& [value_name, value] : values) names.push_back(value_name);
  const std::string type = absl::StrJoin(names, " | ");
  return {std::move(name), type, std::move(doc),
          [field, values, type](const json& v, C& c) {
            if (v.is_string()) {
              for (const auto& [value_name, value] : values) {
                if (v.get<std::string>() == value_name) {
                  c.*field = value;
                  return absl::OkStatus();
                }
              }
            }
            return absl::InvalidArgumentError(absl::StrCat("expected one of ", type, ", got ", Shown(v)));
          },
          [field, values](const C& c) {
            for (const auto& [value_name, value] : values) {
              if (c.*field == value) return json(value_name);
            }
            return json(nullptr);
          }};
}

// ---- One traits struct per reward: its name, its parameters, its validation. ----

template <typename C>
struct Traits;

template <>
struct Traits<FormatConfig> {
  static constexpr std::string_view kName = "format";
  static const std::vector<Param<FormatConfig>>& Params() {
    static const auto* const params = new std::vector<Param<FormatConfig>>{
        Enum("style", &FormatConfig::style,
             {{"r1_zero", FormatStyle::kR1Zero}, {"r1_chat", FormatStyle::kR1Chat}},
             "r1_zero: <think>..</think> <answer>..</answer>; r1_chat: reasoning </think> answer"),
        Enum("mode", &FormatConfig::mode, {{"strict", FormatMode::kStrict}, {"lenient", FormatMode::kLenient}},
             "strict: exact layout, whitespace only between blocks; lenient: one of each tag, in order"),
    };
    return *params;
  }
  static absl::Status Validate(const FormatConfig&) { return absl::OkStatus(); }
};

template <>
struct Traits<CountdownConfig> {
  static constexpr std::string_view kName = "countdown";
  static const std::vector<Param<CountdownConfig>>& Params() {
    static const auto* const params = new std::vector<Param<CountdownConfig>>{
        Number("correct_score", &CountdownConfig::correct_score, "reward of a correct expression"),
        Number("format_score", &CountdownConfig::format_score,
               "reward of an <answer> block that is not a correct expression"),
        Integer("max_answer_bytes", &CountdownConfig::max_answer_bytes,
                "a longer answer block gets format_score"),
        Integer("max_depth", &CountdownConfig::max_depth, "parenthesis nesting limit"),
    };
    return *params;
  }
  static absl::Status Validate(const CountdownConfig& c) { return c.Validate(); }
};

template <>
struct Traits<LanguageConsistencyConfig> {
  static constexpr std::string_view kName = "language_consistency";
  static const std::vector<Param<LanguageConsistencyConfig>>& Params() {
    static const auto* const params = new std::vector<Param<LanguageConsistencyConfig>>{
        String("language", &LanguageConsistencyConfig::language,
               "target language code (en, zh, ja, ko, ru, ...); \"\" = the sample's extra \"language\""),
    };
    return *params;
  }
  static absl::Status Validate(const LanguageConsistencyConfig& c) { return c.Validate(); }
};

template <>
struct Traits<OverlongConfig> {
  static constexpr std::string_view kName = "overlong";
  static const std::vector<Param<OverlongConfig>>& Params() {
    static const auto* const params = new std::vector<Param<OverlongConfig>>{
        Integer("buffer_tokens", &OverlongConfig::buffer_tokens,
                "L_cache: the penalty ramps from 0 at L_max - L_cache to -penalty_factor at L_max"),
        Number("penalty_factor", &OverlongConfig::penalty_factor, "the penalty at L_max and beyond"),
        Integer("max_tokens", &OverlongConfig::max_tokens,
                "L_max; 0 = the generation limit the sample was produced under"),
    };
    return *params;
  }
  static absl::Status Validate(const OverlongConfig& c) { return c.Validate(); }
};

template <>
struct Traits<RepetitionConfig> {
  static constexpr std::string_view kName = "repetition";
  static const std::vector<Param<RepetitionConfig>>& Params() {
    static const auto* const params = new std::vector<Param<RepetitionConfig>>{
        Integer("n", &RepetitionConfig::n, "n-gram size"),
        Enum("unit", &RepetitionConfig::unit, {{"words", NgramUnit::kWords}, {"tokens", NgramUnit::kTokens}},
             "words: lower-cased whitespace-separated words; tokens: the completion's token ids"),
        Number("max_penalty", &RepetitionConfig::max_penalty,
               "penalty = -max_penalty * (1 - distinct n-grams / total n-grams)"),
    };
    return *params;
  }
  static absl::Status Validate(const RepetitionConfig& c) { return c.Validate(); }
};

template <>
struct Traits<MathAccuracyConfig> {
  static constexpr std::string_view kName = "math_accuracy";
  static const std::vector<Param<MathAccuracyConfig>>& Params() {
    using M = MathAccuracyConfig;
    static const auto* const params = new std::vector<Param<M>>{
        Number("relative_tolerance", &M::relative_tolerance,
               "tolerance of an inexact decimal answer against an exact value"),
        Integer("num_points", &M::num_points, "random points at which expressions with variables must agree"),
        Integer("precision_bits", &M::precision_bits, "MPFR precision of the numerical comparison"),
        Integer("seed", &M::seed, "seed of the evaluation points"),
        Integer("max_answer_bytes", &M::max_answer_bytes, "a longer normalised answer scores 0"),
        Integer("max_nodes", &M::max_nodes, "parsed expression nodes per side"),
        Integer("max_depth", &M::max_depth, "nesting depth of a parsed expression"),
        Integer("max_exact_bits", &M::max_exact_bits, "larger exact numbers fall back to MPFR"),
        Integer("max_factorial_argument", &M::max_factorial_argument, "n! and binom(n, k) only up to this n"),
        Integer("max_collection_size", &M::max_collection_size, "elements of a tuple, set, list or union"),
    };
    return *params;
  }
  static absl::Status Validate(const MathAccuracyConfig& c) { return c.Validate(); }
};

template <>
struct Traits<CodeConfig> {
  static constexpr std::string_view kName = "code";
  // The spec parameters only: caps, python_path and sandbox are the server's (SetCodeServerFields).
  static const std::vector<Param<CodeConfig>>& Params() {
    using K = CodeConfig;
    using L = sandbox::Limits;
    auto limit = [](auto L::*field) {
      return [field](K& c) -> auto& { return c.limits.*field; };
    };
    static const auto* const params = new std::vector<Param<K>>{
        Enum("scoring", &K::scoring,
             {{"fraction", CodeScoring::kFraction}, {"all_or_nothing", CodeScoring::kAllOrNothing}},
             "fraction: passed / total tests; all_or_nothing: 1 only if every test passes"),
        Enum("stdout_match", &K::stdout_match,
             {{"lines", StdoutMatch::kLines}, {"exact", StdoutMatch::kExact}, {"tokens", StdoutMatch::kTokens}},
             "how a stdin/stdout test's output is compared"),
        Number("float_tolerance", &K::float_tolerance, "relative tolerance of non-integer function results"),
        Integer("max_tests", &K::max_tests, "a task with more tests is refused"),
        NumberAt<K>("cpu_seconds", limit(&L::cpu_seconds), "CPU time of each test (capped by the server)"),
        NumberAt<K>("wall_seconds", limit(&L::wall_seconds), "wall time of each test (capped by the server)"),
        IntegerAt<K, int64_t>("memory_bytes", limit(&L::memory_bytes), "address space of each test process"),
        IntegerAt<K, int64_t>("max_processes", limit(&L::max_processes), "processes + threads of a test"),
        IntegerAt<K, int64_t>("output_bytes", limit(&L::output_bytes), "stdout + stderr captured per test"),
        IntegerAt<K, int64_t>("file_bytes", limit(&L::file_bytes), "largest file a test may write"),
        IntegerAt<K, int64_t>("max_open_files", limit(&L::max_open_files), "open files per test process"),
    };
    return *params;
  }
  static absl::Status Validate(const CodeConfig& c) { return c.Validate(); }
};

// ---- Errors ----

struct Context {
  std::string_view source;
  const PathLocator* locate;

  absl::Status Error(std::string_view path, std::string_view message) const {
    const std::string where = (locate != nullptr && *locate) ? (*locate)(path) : std::string(source);
    if (path.empty()) return absl::InvalidArgumentError(absl::StrCat(where, ": ", std::string(message)));
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": ", std::string(path), ": ", std::string(message)));
  }
};

template <typename C>
std::string ParamNames() {
  std::vector<std::string> names;
  for (const Param<C>& p : Traits<C>::Params()) names.push_back(p.name);
  return absl::StrJoin(names, ", ");
}

// A config's Validate() message starts with the field name ("buffer_tokens: must be >= 1"); the error
// names its path.
template <typename C>
absl::Status ValidateAt(const C& config, const std::string& params_path, const Context& context) {
  const absl::Status status = Traits<C>::Validate(config);
  if (status.ok()) return status;
  const std::string message(status.message());
  const size_t colon = message.find(": ");
  if (colon != std::string::npos) {
    std::string field = message.substr(0, colon);
    if (const size_t dot = field.rfind('.'); dot != std::string::npos) field = field.substr(dot + 1);
    for (const Param<C>& p : Traits<C>::Params()) {
      if (p.name == field) return context.Error(absl::StrCat(params_path, ".", field), message.substr(colon + 2));
    }
  }
  return context.Error(params_path, message);
}

template <typename C>
absl::StatusOr<RewardConfig> ParseParams(const json* params, const std::string& params_path,
                                         const Context& context) {
  C config;
  if (params != nullptr) {
    for (const auto& [key, value] : params->items()) {
      const Param<C>* param = nullptr;
      for (const Param<C>& p : Traits<C>::Params()) {
        if (p.name == key) param = &p;
      }
      const std::string path = absl::StrCat(params_path, ".", key);
      if (param == nullptr) {
        return context.Error(path, absl::StrCat("unknown parameter of ", std::string(Traits<C>::kName),
                                                " (expected ", ParamNames<C>(), ")"));
      }
      if (const absl::Status status = param->read(value, config); !status.ok()) {
        return context.Error(path, std::string(status.message()));
      }
    }
  }
  if (absl::Status status = ValidateAt(config, params_path, context); !status.ok()) return status;
  return RewardConfig(std::move(config));
}

template <typename C>
json WriteParams(const C& config) {
  json out = json::object();
  for (const Param<C>& p : Traits<C>::Params()) out[p.name] = p.write(config);
  return out;
}

template <typename C>
std::vector<ParamDoc> Docs() {
  std::vector<ParamDoc> docs;
  const C defaults;
  for (const Param<C>& p : Traits<C>::Params()) docs.push_back({p.name, p.type, p.write(defaults).dump(), p.doc});
  return docs;
}

// Calls f.template operator()<C>() for the variant alternative named `name`; false when none is.
template <typename F, size_t... I>
bool ForKind(std::string_view name, F&& f, std::index_sequence<I...>) {
  bool found = false;
  ((!found && Traits<std::variant_alternative_t<I, RewardConfig>>::kName == name
        ? (f(static_cast<std::variant_alternative_t<I, RewardConfig>*>(nullptr)), found = true)
        : false),
   ...);
  return found;
}

template <typename F>
bool ForKind(std::string_view name, F&& f) {
  return ForKind(name, std::forward<F>(f), std::make_index_sequence<std::variant_size_v<RewardConfig>>());
}

template <size_t... I>
std::vector<std::string> AllNames(std::index_sequence<I...>) {
  return {std::string(Traits<std::variant_alternative_t<I, RewardConfig>>::kName)...};
}

std::vector<std::string> AllNames() {
  return AllNames(std::make_index_sequence<std::variant_size_v<RewardConfig>>());
}

const char* TypeName(const json& v) {
  switch (v.type()) {
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::null: return "null";
    default: return "a number";
  }
}

absl::StatusOr<RewardTerm> ParseTerm(const json& term, size_t index, const Context& context) {
  const std::string path = absl::StrCat("rewards[", index, "]");
  if (!term.is_object()) return context.Error(path, absl::StrCat("expected an object, got ", TypeName(term)));
  for (const auto& [key, value] : term.items()) {
    if (key != "name" && key != "label" && key != "weight" && key != "params") {
      return context.Error(absl::StrCat(path, ".", key), "unknown key (expected name, label, weight, params)");
    }
  }
  const auto name_it = term.find("name");
  if (name_it == term.end()) {
    return context.Error(absl::StrCat(path, ".name"),
                         absl::StrCat("missing (one of ", absl::StrJoin(AllNames(), ", "), ")"));
  }
  if (!name_it->is_string()) {
    return context.Error(absl::StrCat(path, ".name"), absl::StrCat("expected a string, got ", Shown(*name_it)));
  }
  const std::string name = name_it->get<std::string>();
  RewardTerm out;
  out.label = name;
  if (const auto it = term.find("label"); it != term.end()) {
    if (!it->is_string()) {
      return context.Error(absl::StrCat(path, ".label"), absl::StrCat("expected a string, got ", Shown(*it)));
    }
    out.label = it->get<std::string>();
  }
  if (const auto it = term.find("weight"); it != term.end()) {
    if (!it->is_number()) {
      return context.Error(absl::StrCat(path, ".weight"), absl::StrCat("expected a number, got ", Shown(*it)));
    }
    out.weight = it->get<double>();
  }
  const json* params = nullptr;
  const std::string params_path = absl::StrCat(path, ".params");
  if (const auto it = term.find("params"); it != term.end() && !it->is_null()) {
    if (!it->is_object()) {
      return context.Error(params_path, absl::StrCat("expected an object, got ", TypeName(*it)));
    }
    params = &*it;
  }
  absl::StatusOr<RewardConfig> config = absl::InternalError("unreachable");
  const bool known = ForKind(name, [&](auto* kind) {
    config = ParseParams<std::remove_pointer_t<decltype(kind)>>(params, params_path, context);
  });
  if (!known) {
    return context.Error(absl::StrCat(path, ".name"),
                         absl::StrCat("unknown reward \"", name, "\" (expected one of ",
                                      absl::StrJoin(AllNames(), ", "), ")"));
  }
  if (!config.ok()) return config.status();
  out.config = *std::move(config);
  return out;
}

// Validate's checks on the spec level, with paths; configs are checked by ValidateAt.
absl::Status ValidateSpec(const RewardSpec& spec, const Context& context) {
  if (!std::isfinite(spec.timeout_seconds) || spec.timeout_seconds <= 0) {
    return context.Error("timeout_seconds", absl::StrCat("must be finite and > 0, got ", spec.timeout_seconds));
  }
  if (spec.terms.empty()) return context.Error("rewards", "at least one reward is needed");
  std::set<std::string> labels;
  for (size_t i = 0; i < spec.terms.size(); ++i) {
    const RewardTerm& term = spec.terms[i];
    const std::string path = absl::StrCat("rewards[", i, "]");
    if (term.label.empty()) return context.Error(absl::StrCat(path, ".label"), "must not be empty");
    if (!labels.insert(term.label).second) {
      return context.Error(absl::StrCat(path, ".label"),
                           absl::StrCat("\"", term.label, "\" is used by an earlier term (labels are unique; "
                                        "set label to tell two terms of one reward apart)"));
    }
    if (!std::isfinite(term.weight)) {
      return context.Error(absl::StrCat(path, ".weight"), absl::StrCat("must be finite, got ", term.weight));
    }
    const absl::Status status = std::visit(
        [&](const auto& config) { return ValidateAt(config, absl::StrCat(path, ".params"), context); },
        term.config);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view RewardName(const RewardConfig& config) {
  return std::visit([](const auto& c) { return Traits<std::decay_t<decltype(c)>>::kName; }, config);
}

absl::Status Validate(const RewardSpec& spec) {
  const Context context{"spec", nullptr};
  return ValidateSpec(spec, context);
}

absl::StatusOr<RewardSpec> RewardSpecFromJson(std::string_view json_text, std::string_view source,
                                              const PathLocator& locate) {
  const Context context{source, &locate};
  json root;
  // A key given twice in one object is an error (nlohmann keeps the last silently; the YAML edge refuses it).
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  auto reject_duplicates = [&](int /*depth*/, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      open_objects.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      open_objects.pop_back();
    } else if (event == json::parse_event_t::key && !open_objects.back().insert(parsed.get<std::string>()).second &&
               duplicate.empty()) {
      duplicate = parsed.get<std::string>();
    }
    return true;
  };
  try {
    root = json::parse(json_text, reject_duplicates);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
    return absl::InvalidArgumentError(absl::StrCat(std::string(source), ": invalid JSON: ", e.what()));
  }
  if (!duplicate.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(source), ": duplicate key \"", duplicate, "\" (each key may appear once per object)"));
  }
  if (!root.is_object()) return context.Error("", absl::StrCat("expected an object, got ", TypeName(root)));
  RewardSpec spec;
  for (const auto& [key, value] : root.items()) {
    if (key == "timeout_seconds") {
      if (!value.is_number()) {
        return context.Error(key, absl::StrCat("expected a number, got ", Shown(value)));
      }
      spec.timeout_seconds = value.get<double>();
    } else if (key != "rewards") {
      return context.Error(key, "unknown key (expected rewards, timeout_seconds)");
    }
  }
  const auto rewards = root.find("rewards");
  if (rewards == root.end()) return context.Error("rewards", "missing (a list of rewards)");
  if (!rewards->is_array()) {
    return context.Error("rewards", absl::StrCat("expected a list, got ", TypeName(*rewards)));
  }
  for (size_t i = 0; i < rewards->size(); ++i) {
    absl::StatusOr<RewardTerm> term = ParseTerm((*rewards)[i], i, context);
    if (!term.ok()) return term.status();
    spec.terms.push_back(*std::move(term));
  }
  if (absl::Status status = ValidateSpec(spec, context); !status.ok()) return status;
  return spec;
}

std::string RewardSpecToJson(const RewardSpec& spec, int indent) {
  json rewards = json::array();
  for (const RewardTerm& term : spec.terms) {
    json entry = json::object();
    entry["name"] = std::string(RewardName(term.config));
    entry["label"] = term.label;
    entry["weight"] = term.weight;
    entry["params"] = std::visit([](const auto& c) { return WriteParams(c); }, term.config);
    rewards.push_back(std::move(entry));
  }
  json root = json::object();
  root["rewards"] = std::move(rewards);
  root["timeout_seconds"] = spec.timeout_seconds;
  return root.dump(indent, ' ', false, json::error_handler_t::replace);  // never throws on bad UTF-8
}

std::vector<ParamDoc> RewardParamDocs(std::string_view name) {
  std::vector<ParamDoc> docs;
  ForKind(name, [&](auto* kind) { docs = Docs<std::remove_pointer_t<decltype(kind)>>(); });
  return docs;
}

void SetCodeServerFields(const CodeConfig& server, RewardSpec* spec) {
  for (RewardTerm& term : spec->terms) {
    if (auto* code = std::get_if<CodeConfig>(&term.config)) {
      code->caps = server.caps;
      code->python_path = server.python_path;
      code->sandbox = server.sandbox;
    }
  }
}

}  // namespace reasonrl::reward
