#include "test_support.h"

using ecglite::test::run_cli;

TEST(Cli, UsageListsCommandsAndFailsWithoutArguments) {
  auto r = run_cli("");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("ecglite dump RECORD"), std::string::npos);
}

TEST(Cli, UnknownCommandIsAnErrorNamingIt) {
  auto r = run_cli("frobnicate");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown command 'frobnicate'"), std::string::npos);
}

TEST(Cli, VersionPrintsProjectVersion) {
  auto r = run_cli("--version");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out.rfind("ecglite ", 0), 0u);
}
