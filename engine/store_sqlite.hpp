// SQLite helpers of the results store: errors naming the file, exec, a prepared Statement,
// a Transaction, the meta table (text and JSON), switching to WAL. Internal to the results store's
// files (results_store.cpp, results_store_scenarios.cpp).
#pragma once

#include <sqlite3.h>

#include <bit>
#include <chrono>
#include <climits>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "engine/results_store.hpp"

namespace govsim::store_sqlite {

namespace fs = std::filesystem;
using nlohmann::json;

inline constexpr int kBusyTimeoutMs = 10'000;

[[noreturn]] inline void fail(const fs::path& path, const std::string& what) {
  throw StoreError("results store " + path.string() + ": " + what);
}

inline std::string sqlite_message(sqlite3* db, int rc) {
  return db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
}

inline void exec(sqlite3* db, const fs::path& path, const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string message = err != nullptr ? err : sqlite_message(db, rc);
    sqlite3_free(err);
    fail(path, std::string("'") + sql + "' failed: " + message);
  }
}

// RAII prepared statement.
class Statement {
 public:
  Statement(sqlite3* db, const fs::path& path, std::string_view sql) : db_(db), path_(path) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
    stmt_.reset(raw);
    if (rc != SQLITE_OK) {
      fail(path_, "preparing '" + std::string(sql) + "' failed: " + sqlite_message(db_, rc));
    }
  }

  void bind_int(int index, std::int64_t value) {
    check_bind(sqlite3_bind_int64(stmt_.get(), index, value));
  }
  void bind_double(int index, double value) {
    check_bind(sqlite3_bind_double(stmt_.get(), index, value));
  }
  void bind_text(int index, std::string_view text) {
    check_bind(sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()),
                                 SQLITE_TRANSIENT));
  }
  // Little-endian float64 array. An empty vector is a zero-length BLOB (not NULL).
  void bind_doubles(int index, const std::vector<double>& values) {
    if (values.size() > static_cast<std::size_t>(INT_MAX) / 8) {
      fail(path_, "array of " + std::to_string(values.size()) + " values is too large for a BLOB");
    }
    const int bytes = static_cast<int>(values.size() * 8);
    if (values.empty()) {
      check_bind(sqlite3_bind_zeroblob(stmt_.get(), index, 0));
    } else if constexpr (std::endian::native == std::endian::little) {
      check_bind(sqlite3_bind_blob(stmt_.get(), index, values.data(), bytes, SQLITE_TRANSIENT));
    } else {
      std::vector<unsigned char> buffer(values.size() * 8);
      for (std::size_t i = 0; i < values.size(); ++i) {
        const auto bits = std::bit_cast<std::uint64_t>(values[i]);
        for (int b = 0; b < 8; ++b) buffer[i * 8 + b] = static_cast<unsigned char>(bits >> (8 * b));
      }
      check_bind(sqlite3_bind_blob(stmt_.get(), index, buffer.data(), bytes, SQLITE_TRANSIENT));
    }
  }

  // True if a row is available, false when done; throws on error.
  bool step() {
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(path_, "executing '" + std::string(sqlite3_sql(stmt_.get())) +
                    "' failed: " + sqlite_message(db_, rc));
  }
  void reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
  }

  int column_type(int col) const { return sqlite3_column_type(stmt_.get(), col); }
  std::int64_t column_int64(int col) const { return sqlite3_column_int64(stmt_.get(), col); }
  double column_double(int col) const { return sqlite3_column_double(stmt_.get(), col); }
  std::optional<std::string> column_text(int col) const {
    if (column_type(col) == SQLITE_NULL) return std::nullopt;
    const auto* text = sqlite3_column_text(stmt_.get(), col);
    const int bytes = sqlite3_column_bytes(stmt_.get(), col);
    if (text == nullptr) return std::string();
    return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(bytes));
  }
  // Pointer (may be null when empty) and size of a BLOB column.
  std::pair<const void*, std::size_t> column_blob(int col) const {
    const void* data = sqlite3_column_blob(stmt_.get(), col);
    const int bytes = sqlite3_column_bytes(stmt_.get(), col);
    return {data, bytes > 0 ? static_cast<std::size_t>(bytes) : 0};
  }

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
  };

  void check_bind(int rc) {
    if (rc != SQLITE_OK) fail(path_, "binding a parameter failed: " + sqlite_message(db_, rc));
  }

  sqlite3* db_;
  const fs::path& path_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

// RAII transaction: rolled back unless commit() was called.
class Transaction {
 public:
  Transaction(sqlite3* db, const fs::path& path, const char* begin_sql = "BEGIN IMMEDIATE")
      : db_(db), path_(path) {
    exec(db_, path_, begin_sql);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    // SQLite may already have rolled back after some errors (then autocommit is back on).
    if (!committed_ && sqlite3_get_autocommit(db_) == 0) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }
  void commit() {
    exec(db_, path_, "COMMIT");
    committed_ = true;
  }

 private:
  sqlite3* db_;
  const fs::path& path_;
  bool committed_ = false;
};

// ---- meta ------------------------------------------------------------------------------------

inline std::optional<std::string> read_meta(sqlite3* db, const fs::path& path, const char* key) {
  Statement stmt(db, path, "SELECT value FROM meta WHERE key = ?1");
  stmt.bind_text(1, key);
  if (!stmt.step()) return std::nullopt;
  auto value = stmt.column_text(0);
  if (!value) fail(path, std::string("meta.") + key + " is NULL");
  return value;
}

inline void write_meta(sqlite3* db, const fs::path& path, std::string_view key,
                       std::string_view value) {
  Statement stmt(db, path, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)");
  stmt.bind_text(1, key);
  stmt.bind_text(2, value);
  stmt.step();
}

inline json parse_json(const fs::path& path, const std::string& what, const std::string& text) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    fail(path, what + " is not valid JSON: " + e.what());
  }
}

inline std::optional<json> read_meta_json(sqlite3* db, const fs::path& path, const char* key) {
  auto text = read_meta(db, path, key);
  if (!text) return std::nullopt;
  return parse_json(path, std::string("meta.") + key, *text);
}

inline std::int64_t count_rows(sqlite3* db, const fs::path& path, const char* sql) {
  Statement stmt(db, path, sql);
  stmt.step();
  return stmt.column_int64(0);
}

// Sets journal_mode=WAL (a no-op if the file already is in WAL mode). Switching needs an
// exclusive lock, and SQLite returns SQLITE_BUSY without calling the busy handler when that could
// deadlock (several processes creating the store at once), so retry up to the busy timeout.
inline void switch_to_wal(sqlite3* db, const fs::path& path) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  std::string mode;
  const auto read_mode = [](void* out, int columns, char** values, char**) {
    if (columns > 0 && values[0] != nullptr) *static_cast<std::string*>(out) = values[0];
    return 0;
  };
  for (;;) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL", read_mode, &mode, &err);
    const std::string message = err != nullptr ? err : sqlite_message(db, rc);
    sqlite3_free(err);
    if (rc == SQLITE_OK) break;
    if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() > deadline) {
      fail(path, "'PRAGMA journal_mode=WAL' failed: " + message);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (mode != "wal") fail(path, "cannot switch to WAL journal mode (got '" + mode + "')");
}

}  // namespace govsim::store_sqlite
