// Errors caused by the user's input: exit status 2, message naming file, location, expectation.
#pragma once

#include <stdexcept>
#include <string>

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

}  // namespace govsim
