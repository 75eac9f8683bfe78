#include <gtest/gtest.h>

#include "kcsim/core/time.hpp"

using namespace kcsim;

TEST(ParseDuration, AcceptsGoSyntax) {
  EXPECT_EQ(parse_duration("300ms"), milliseconds(300));
  EXPECT_EQ(parse_duration("5m30s"), seconds(330));
  EXPECT_EQ(parse_duration("1h"), hours(1));
  EXPECT_EQ(parse_duration("1.5h"), minutes(90));
  EXPECT_EQ(parse_duration("2h45m"), minutes(165));
  EXPECT_EQ(parse_duration("0"), Duration{0});
  EXPECT_EQ(parse_duration("0s"), Duration{0});
  EXPECT_EQ(parse_duration("250us"), microseconds(250));
  EXPECT_EQ(parse_duration("1000ns"), microseconds(1));
  EXPECT_EQ(parse_duration("-1.5s"), milliseconds(-1500));
  EXPECT_EQ(parse_duration(".5s"), milliseconds(500));
}

TEST(ParseDuration, RejectsDaysAndGarbageWithAReason) {
  std::string error;
  EXPECT_FALSE(parse_duration("2d", &error));
  EXPECT_NE(error.find("no day unit"), std::string::npos) << error;
  EXPECT_FALSE(parse_duration("5", &error));
  EXPECT_NE(error.find("missing unit"), std::string::npos) << error;
  EXPECT_FALSE(parse_duration("", &error));
  EXPECT_FALSE(parse_duration("m", &error));
  EXPECT_FALSE(parse_duration("1.5.5s", &error));
  EXPECT_FALSE(parse_duration("1ns", &error));  // finer than the engine's microsecond
  EXPECT_NE(error.find("finer than a microsecond"), std::string::npos) << error;
  EXPECT_FALSE(parse_duration("99999999999999999999h", &error));
  EXPECT_NE(error.find("out of range"), std::string::npos) << error;
}

// The formats of k8s.io/apimachinery/pkg/util/duration HumanDuration.
TEST(FormatAge, MatchesKubectlHumanDuration) {
  EXPECT_EQ(format_age(seconds(-5)), "<invalid>");
  EXPECT_EQ(format_age(milliseconds(-500)), "0s");
  EXPECT_EQ(format_age(seconds(0)), "0s");
  EXPECT_EQ(format_age(seconds(119)), "119s");
  EXPECT_EQ(format_age(seconds(120)), "2m");
  EXPECT_EQ(format_age(seconds(5 * 60 + 59)), "5m59s");
  EXPECT_EQ(format_age(minutes(6)), "6m");
  EXPECT_EQ(format_age(minutes(10)), "10m");
  EXPECT_EQ(format_age(minutes(179)), "179m");
  EXPECT_EQ(format_age(minutes(185)), "3h5m");
  EXPECT_EQ(format_age(hours(3)), "3h");
  EXPECT_EQ(format_age(hours(8)), "8h");
  EXPECT_EQ(format_age(hours(47)), "47h");
  EXPECT_EQ(format_age(hours(51)), "2d3h");
  EXPECT_EQ(format_age(hours(48)), "2d");
  EXPECT_EQ(format_age(hours(24 * 400)), "400d");
  EXPECT_EQ(format_age(hours(24 * (365 * 2 + 10))), "2y10d");
  EXPECT_EQ(format_age(hours(24 * 365 * 9)), "9y");
}

TEST(FormatGoDuration, MatchesGoString) {
  EXPECT_EQ(format_go_duration(Duration{0}), "0s");
  EXPECT_EQ(format_go_duration(minutes(5)), "5m0s");
  EXPECT_EQ(format_go_duration(hours(1)), "1h0m0s");
  EXPECT_EQ(format_go_duration(milliseconds(300)), "300ms");
  EXPECT_EQ(format_go_duration(milliseconds(1500)), "1.5s");
  EXPECT_EQ(format_go_duration(seconds(301)), "5m1s");
  EXPECT_EQ(format_short_duration(seconds(301)), "5m1s");
  EXPECT_EQ(format_short_duration(hours(1)), "1h");
  EXPECT_EQ(format_short_duration(minutes(10)), "10m");
  EXPECT_EQ(format_short_duration(seconds(10)), "10s");
}

TEST(Epoch, FormatsRfc3339InUtc) {
  Epoch e;
  e.unix_seconds = *parse_rfc3339("2026-01-01T12:00:00Z");
  EXPECT_EQ(e.rfc3339(SimTime{minutes(5)}), "2026-01-01T12:05:00Z");
  EXPECT_EQ(e.rfc3339(SimTime{hours(12)}), "2026-01-02T00:00:00Z");
  EXPECT_EQ(e.rfc3339_micro(SimTime{milliseconds(100)}), "2026-01-01T12:00:00.100000Z");
  EXPECT_EQ(e.clock(SimTime{seconds(300) + milliseconds(100)}), "12:05:00.1");
  EXPECT_EQ(parse_rfc3339("2024-02-29T23:59:59Z"), 1709251199);
  EXPECT_FALSE(parse_rfc3339("2024-02-29 23:59:59"));
}
