// Reads a JSONL case file of tests/data/reward/ (one JSON object per line); fails the test on a bad line.
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace reasonrl::reward::testing {

inline std::vector<nlohmann::json> ReadCases(const std::string& file_name) {
  const std::string path = std::string(REASONRL_TEST_DATA_DIR) + "/reward/" + file_name;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::vector<nlohmann::json> cases;
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    nlohmann::json value = nlohmann::json::parse(line, nullptr, false);
    EXPECT_FALSE(value.is_discarded()) << path << ":" << line_number << ": not JSON";
    if (!value.is_discarded()) cases.push_back(std::move(value));
  }
  EXPECT_FALSE(cases.empty()) << path << ": no cases";
  return cases;
}

}  // namespace reasonrl::reward::testing
