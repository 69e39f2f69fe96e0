#include "model/tokenizer/json_loader.h"

#include <cstdint>
#include <limits>

#include "absl/strings/str_cat.h"

namespace reasonrl::tokenizer {
namespace {

class Handler : public nlohmann::json_sax<Json> {
 public:
  Handler(Json* root, std::string file, BpeTables* tables)
      : dom_(*root, /*allow_exceptions=*/false), file_(std::move(file)), tables_(tables) {}

  const std::string& error() const { return error_; }

  bool null() override { return Value([&] { return dom_.null(); }); }
  bool boolean(bool v) override { return Value([&] { return dom_.boolean(v); }); }
  bool number_float(number_float_t v, const string_t& s) override {
    return Value([&] { return dom_.number_float(v, s); });
  }
  bool binary(binary_t& v) override { return Value([&] { return dom_.binary(v); }); }

  bool number_integer(number_integer_t v) override {
    if (mode_ == Mode::kVocab) return VocabId(v >= 0 ? static_cast<uint64_t>(v) : UINT64_MAX);
    return Value([&] { return dom_.number_integer(v); });
  }
  bool number_unsigned(number_unsigned_t v) override {
    if (mode_ == Mode::kVocab) return VocabId(v);
    return Value([&] { return dom_.number_unsigned(v); });
  }
  bool string(string_t& s) override {
    if (mode_ == Mode::kMerges) {
      const size_t space = s.find(' ');
      if (space == std::string::npos) return Fail(MergePath(), absl::StrCat("expected \"left right\", got \"", s, "\""));
      tables_->merges.emplace_back(s.substr(0, space), s.substr(space + 1));
      return true;
    }
    if (mode_ == Mode::kMergePair) {
      pair_.push_back(std::move(s));
      return pair_.size() <= 2 || Fail(MergePath(), "expected [\"left\", \"right\"]");
    }
    return Value([&] { return dom_.string(s); });
  }
  bool key(string_t& k) override {
    if (mode_ == Mode::kVocab) {
      vocab_key_ = std::move(k);
      return true;
    }
    if (!frames_.empty()) frames_.back().key = k;
    return dom_.key(k);
  }
  bool start_object(std::size_t n) override {
    if (mode_ != Mode::kNormal) return Unexpected("an object");
    if (AtModelField("vocab")) {
      mode_ = Mode::kVocab;
      tables_->has_vocab = true;
      return true;
    }
    frames_.push_back({});
    return dom_.start_object(n);
  }
  bool end_object() override {
    if (mode_ == Mode::kVocab) {
      mode_ = Mode::kNormal;
      return true;
    }
    frames_.pop_back();
    return dom_.end_object();
  }
  bool start_array(std::size_t n) override {
    if (mode_ == Mode::kMerges) {
      mode_ = Mode::kMergePair;
      pair_.clear();
      return true;
    }
    if (mode_ != Mode::kNormal) return Unexpected("an array");
    if (AtModelField("merges")) {
      mode_ = Mode::kMerges;
      tables_->has_merges = true;
      return true;
    }
    frames_.push_back({});
    return dom_.start_array(n);
  }
  bool end_array() override {
    if (mode_ == Mode::kMergePair) {
      if (pair_.size() != 2) return Fail(MergePath(), "expected [\"left\", \"right\"]");
      tables_->merges.emplace_back(std::move(pair_[0]), std::move(pair_[1]));
      mode_ = Mode::kMerges;
      return true;
    }
    if (mode_ == Mode::kMerges) {
      mode_ = Mode::kNormal;
      return true;
    }
    frames_.pop_back();
    return dom_.end_array();
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    if (error_.empty()) error_ = absl::StrCat(file_, ": invalid JSON: ", e.what());
    return false;
  }

 private:
  enum class Mode { kNormal, kVocab, kMerges, kMergePair };
  struct Frame {
    std::string key;  // the last key seen in this object
  };

  // True when the next value is root.model.<field>.
  bool AtModelField(const char* field) const {
    return frames_.size() == 2 && frames_[0].key == "model" && frames_[1].key == field;
  }
  template <typename F>
  bool Value(F forward) {
    if (mode_ == Mode::kVocab) return Fail(absl::StrCat(file_, ": model.vocab.", vocab_key_), "expected an id");
    if (mode_ != Mode::kNormal) return Unexpected("a value");
    return forward();
  }
  bool VocabId(uint64_t v) {
    if (v > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
      return Fail(absl::StrCat(file_, ": model.vocab.", vocab_key_), "expected an id in [0, 2^31)");
    }
    tables_->vocab.emplace_back(std::move(vocab_key_), static_cast<int32_t>(v));
    return true;
  }
  std::string MergePath() const { return absl::StrCat(file_, ": model.merges[", tables_->merges.size(), "]"); }
  bool Unexpected(const char* what) {
    if (mode_ == Mode::kVocab) return Fail(absl::StrCat(file_, ": model.vocab.", vocab_key_), "expected an id");
    return Fail(MergePath(), absl::StrCat("expected \"left right\" or [\"left\", \"right\"], got ", what));
  }
  bool Fail(const std::string& where, const std::string& what) {
    if (error_.empty()) error_ = absl::StrCat(where, ": ", what);
    return false;
  }

  nlohmann::detail::json_sax_dom_parser<Json> dom_;
  std::string file_;
  BpeTables* tables_;
  std::vector<Frame> frames_;
  Mode mode_ = Mode::kNormal;
  std::string vocab_key_;
  std::vector<std::string> pair_;
  std::string error_;
};

}  // namespace

absl::StatusOr<Json> ParseTokenizerJson(std::string_view text, const std::string& file, BpeTables* tables) {
  Json root;
  Handler handler(&root, file, tables);
  const bool ok = Json::sax_parse(text.begin(), text.end(), &handler, Json::input_format_t::json, /*strict=*/true);
  if (!ok) {
    return absl::InvalidArgumentError(handler.error().empty() ? absl::StrCat(file, ": invalid JSON") : handler.error());
  }
  return root;
}

}  // namespace reasonrl::tokenizer
