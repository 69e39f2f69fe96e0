// The one helper pair between absl::Status (library edges) and grpc::Status (the wire). Both use the
// canonical codes with the same numbers, so a code survives the round trip unchanged; the message does
// too. Payloads (absl) and error details (grpc) are not carried.
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace reasonrl {

grpc::Status ToGrpcStatus(const absl::Status& status);
// A code outside the canonical range becomes UNKNOWN (absl would otherwise keep a raw number).
absl::Status ToAbslStatus(const grpc::Status& status);

}  // namespace reasonrl
