#include "rollout/grpc_status.h"

#include <gtest/gtest.h>

namespace reasonrl {
namespace {

TEST(GrpcStatusTest, EveryCanonicalCodeAndItsMessageSurviveTheRoundTrip) {
  for (int code = 1; code <= 16; ++code) {
    absl::Status status(static_cast<absl::StatusCode>(code), "what went wrong");
    grpc::Status wire = ToGrpcStatus(status);
    EXPECT_EQ(static_cast<int>(wire.error_code()), code);
    EXPECT_EQ(wire.error_message(), "what went wrong");
    EXPECT_EQ(ToAbslStatus(wire), status);
  }
}

TEST(GrpcStatusTest, OkStaysOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(ToAbslStatus(grpc::Status::OK).ok());
}

TEST(GrpcStatusTest, CodesOutsideTheCanonicalRangeBecomeUnknown) {
  EXPECT_EQ(ToGrpcStatus(absl::Status(static_cast<absl::StatusCode>(42), "x")).error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(ToAbslStatus(grpc::Status(static_cast<grpc::StatusCode>(42), "x")).code(), absl::StatusCode::kUnknown);
}

}  // namespace
}  // namespace reasonrl
