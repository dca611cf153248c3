// Errors caused by the user's input: exit status 2, message naming file, location, expectation.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace govsim {

class InputError : public std::runtime_error {
 public:
  // where: a JSON pointer ("/parameters/needs.rate_per_year"), "line 12, field 'code'", or "".
  InputError(std::string file, std::string where, std::string expected, std::string got = "")
      : std::runtime_error(compose(file, where, expected, got)),
        file_(std::move(file)),
        where_(std::move(where)),
        expected_(std::move(expected)),
        got_(std::move(got)) {}
  const std::string& file() const { return file_; }
  const std::string& where() const { return where_; }
  const std::string& expected() const { return expected_; }
  const std::string& got() const { return got_; }

 protected:
  // For InputErrors: a message composed by the caller.
  InputError(std::string message, const InputError& first)
      : std::runtime_error(std::move(message)),
        file_(first.file_),
        where_(first.where_),
        expected_(first.expected_),
        got_(first.got_) {}

 private:
  static std::string compose(const std::string& file, const std::string& where,
                             const std::string& expected, const std::string& got) {
    std::string m = file.empty() ? std::string("<input>") : file;
    if (!where.empty()) m += ": at " + where;
    m += ": expected " + expected;
    if (!got.empty()) m += ", got " + got;
    return m;
  }
  std::string file_, where_, expected_, got_;
};

// Several input errors found in one pass (a planner fixes them all at once, not one per run).
// file()/where()/... are those of the first; what() lists every message, one per line.
class InputErrors : public InputError {
 public:
  explicit InputErrors(std::vector<InputError> all)
      : InputError(join(all), all.at(0)), all_(std::move(all)) {}
  const std::vector<InputError>& all() const { return all_; }

 private:
  static std::string join(const std::vector<InputError>& all) {
    std::string m;
    for (const auto& e : all) {
      if (!m.empty()) m += "\n";
      m += e.what();
    }
    return m;
  }
  std::vector<InputError> all_;
};

// Collects InputErrors so that a loader can go on and report every problem of a file at once.
class ErrorCollector {
 public:
  void add(const InputError& e) {
    if (const auto* many = dynamic_cast<const InputErrors*>(&e)) {
      for (const auto& one : many->all()) add_one(one);
    } else {
      add_one(e);
    }
  }
  // Runs f; an InputError it throws is recorded. Returns whether f completed.
  template <class F>
  bool attempt(F&& f) {
    try {
      f();
      return true;
    } catch (const InputError& e) {
      add(e);
      return false;
    }
  }
  bool empty() const { return errors_.empty(); }
  std::size_t size() const { return errors_.size(); }
  const std::vector<InputError>& errors() const { return errors_; }
  // Throws the one error, or InputErrors for several; nothing if none.
  void throw_if_any() const {
    if (errors_.size() == 1) throw errors_.front();
    if (errors_.size() > 1) throw InputErrors(errors_);
  }

 private:
  void add_one(const InputError& e) {  // (a base file extended twice reports its errors once)
    for (const auto& x : errors_)
      if (std::string_view(x.what()) == e.what()) return;
    errors_.push_back(e);
  }
  std::vector<InputError> errors_;
};

}  // namespace govsim
