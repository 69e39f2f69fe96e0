#include "trainer/data/jsonl_reader.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "model/status_macros.h"

namespace reasonrl::data {
namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t SkipSpace(std::string_view s, size_t i) {
  while (i < s.size() && IsJsonSpace(s[i])) ++i;
  return i;
}

// REQUIRES: s[i] == '"' starts a valid JSON string. Returns the index just past its closing quote.
size_t SkipString(std::string_view s, size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;  // the escaped character (for \uXXXX the hex digits are plain characters)
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return s.size();
}

// REQUIRES: a valid JSON value starts at s[i]. Returns the index just past it.
size_t SkipValue(std::string_view s, size_t i) {
  if (s[i] == '"') return SkipString(s, i);
  if (s[i] == '{' || s[i] == '[') {
    int depth = 0;
    while (i < s.size()) {
      char c = s[i];
      if (c == '"') {
        i = SkipString(s, i);
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    return s.size();
  }
  // number, true, false, null
  while (i < s.size() && !IsJsonSpace(s[i]) && s[i] != ',' && s[i] != '}' && s[i] != ']') ++i;
  return i;
}

// The top-level members of a JSON object text that nlohmann has already accepted, in source order:
// (key source text with its quotes, value source text).
std::vector<std::pair<std::string_view, std::string_view>> ScanMembers(std::string_view s) {
  std::vector<std::pair<std::string_view, std::string_view>> members;
  size_t i = SkipSpace(s, 0) + 1;  // past '{'
  while (true) {
    i = SkipSpace(s, i);
    if (i >= s.size() || s[i] == '}') break;
    size_t key_begin = i;
    i = SkipString(s, i);
    std::string_view key = s.substr(key_begin, i - key_begin);
    i = SkipSpace(s, i) + 1;  // past ':'
    i = SkipSpace(s, i);
    size_t value_begin = i;
    i = SkipValue(s, i);
    members.emplace_back(key, s.substr(value_begin, i - value_begin));
    i = SkipSpace(s, i);
    if (i < s.size() && s[i] == ',') ++i;
  }
  return members;
}

std::string DecodeKey(std::string_view quoted) {
  if (quoted.find('\\') == std::string_view::npos) return std::string(quoted.substr(1, quoted.size() - 2));
  return nlohmann::json::parse(quoted).get<std::string>();
}

// nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 7: syntax error ..." becomes
// "malformed JSON at column 7: syntax error ...".
std::string ParseErrorText(const nlohmann::json::parse_error& e) {
  std::string what = e.what();
  size_t column = what.find("column ");
  size_t colon = column == std::string::npos ? std::string::npos : what.find(": ", column);
  if (colon == std::string::npos) return absl::StrCat("malformed JSON: ", what);
  return absl::StrCat("malformed JSON at ", what.substr(column, colon - column), ": ", what.substr(colon + 2));
}

bool IsBlank(std::string_view line) { return SkipSpace(line, 0) == line.size(); }

}  // namespace

absl::StatusOr<OnBadLine> ParseOnBadLine(std::string_view name) {
  if (name == "error") return OnBadLine::kError;
  if (name == "skip") return OnBadLine::kSkip;
  return absl::InvalidArgumentError(absl::StrCat("on_bad_line: expected \"error\" or \"skip\", got \"",
                                                 std::string(name), "\""));
}

const char* OnBadLineName(OnBadLine on_bad_line) { return on_bad_line == OnBadLine::kSkip ? "skip" : "error"; }

std::string LoadReport::Summary(const std::string& path) const {
  std::string s = absl::StrCat(path, ": ", records, " records from ", lines, " lines");
  if (blank_lines > 0) absl::StrAppend(&s, " (", blank_lines, " blank)");
  if (skipped > 0) {
    absl::StrAppend(&s, "; ", skipped, " bad lines skipped");
    if (!skipped_examples.empty()) absl::StrAppend(&s, ", first: ", skipped_examples.front());
  }
  return s;
}

absl::Status FieldError(const std::string& field, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("field \"", field, "\": ", what));
}

absl::StatusOr<JsonObjectLine> JsonObjectLine::Parse(std::string_view line) {
  JsonObjectLine out;
  try {
    out.value_ = nlohmann::ordered_json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    return absl::InvalidArgumentError(ParseErrorText(e));
  }
  if (!out.value_.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat("expected a JSON object, got ", out.value_.type_name()));
  }
  for (const auto& [quoted_key, value_text] : ScanMembers(line)) {
    std::string key = DecodeKey(quoted_key);
    if (!out.raw_.emplace(key, std::string(value_text)).second) {
      return absl::InvalidArgumentError(absl::StrCat("duplicate field \"", key, "\""));
    }
  }
  if (out.raw_.size() != out.value_.size()) {  // cannot happen for text nlohmann accepted; guards the scanner
    return absl::InternalError("JSON object scanner disagrees with the parser");
  }
  return out;
}

absl::StatusOr<const nlohmann::ordered_json*> JsonObjectLine::Get(const std::string& field) const {
  auto it = value_.find(field);
  if (it == value_.end()) return FieldError(field, "missing");
  return &*it;
}

absl::StatusOr<std::string> JsonObjectLine::RawText(const std::string& field) const {
  auto it = raw_.find(field);
  if (it == raw_.end()) return FieldError(field, "missing");
  return it->second;
}

absl::StatusOr<std::string> JsonObjectLine::NonEmptyString(const std::string& field) const {
  ASSIGN_OR_RETURN(const nlohmann::ordered_json* v, Get(field));
  if (!v->is_string()) return FieldError(field, absl::StrCat("expected a string, got ", v->type_name()));
  std::string s = v->get<std::string>();
  if (s.empty()) return FieldError(field, "expected a non-empty string, got \"\"");
  return s;
}

absl::StatusOr<std::string> JsonObjectLine::StringOrNumber(const std::string& field) const {
  ASSIGN_OR_RETURN(const nlohmann::ordered_json* v, Get(field));
  if (v->is_number()) return RawText(field);
  if (!v->is_string()) {
    return FieldError(field, absl::StrCat("expected a string or number, got ", v->type_name()));
  }
  std::string s = v->get<std::string>();
  if (s.empty()) return FieldError(field, "expected a non-empty string or a number, got \"\"");
  return s;
}

absl::Status ReadJsonlObjects(const std::string& path, OnBadLine on_bad_line,
                              const std::function<absl::Status(const JsonObjectLine&, int64_t line)>& record,
                              LoadReport* report) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": is a directory, expected a JSONL file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    std::string msg = absl::StrCat(path, ": cannot open: ", std::strerror(err));
    return err == ENOENT ? absl::NotFoundError(msg) : absl::InvalidArgumentError(msg);
  }
  *report = LoadReport{};
  std::string line;
  while (std::getline(in, line)) {
    const int64_t line_number = ++report->lines;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_number == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
    if (IsBlank(line)) {
      ++report->blank_lines;
      continue;
    }
    absl::StatusOr<JsonObjectLine> object = JsonObjectLine::Parse(line);
    absl::Status status = object.ok() ? record(*object, line_number) : object.status();
    if (status.ok()) {
      ++report->records;
      continue;
    }
    std::string where = absl::StrCat(path, ":", line_number, ": ", status.message());
    if (!absl::IsInvalidArgument(status)) return absl::Status(status.code(), where);
    if (on_bad_line == OnBadLine::kError) return absl::InvalidArgumentError(where);
    ++report->skipped;
    if (report->skipped_examples.size() < LoadReport::kMaxExamples) report->skipped_examples.push_back(where);
  }
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read error after line ", report->lines));
  if (report->lines == report->blank_lines) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": empty file: no JSON lines"));
  }
  if (report->records == 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": no usable records: all ", report->skipped,
                                                   " JSON lines were bad; first: ", report->skipped_examples.front()));
  }
  return absl::OkStatus();
}

}  // namespace reasonrl::data
