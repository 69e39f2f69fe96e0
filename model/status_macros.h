// Status helpers shared by every folder (the lowest one that needs them).
//
//   RETURN_IF_ERROR(DoThing());            // returns the non-OK absl::Status
//   ASSIGN_OR_RETURN(auto x, MakeThing()); // unwraps an absl::StatusOr<T>
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define REASONRL_CONCAT_INNER(a, b) a##b
#define REASONRL_CONCAT(a, b) REASONRL_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                       \
  do {                                              \
    ::absl::Status reasonrl_status_ = (expr);       \
    if (!reasonrl_status_.ok()) return reasonrl_status_; \
  } while (0)

#define REASONRL_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) \
  REASONRL_ASSIGN_OR_RETURN_IMPL(REASONRL_CONCAT(reasonrl_statusor_, __LINE__), lhs, expr)
