#ifndef STAPEL_PROTO_GRPC_STATUS_H_
#define STAPEL_PROTO_GRPC_STATUS_H_

// The one place where absl::Status and grpc::Status meet. Both use the canonical codes, so
// every code maps to itself and the message is carried over unchanged.

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace stapel {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace stapel

#endif  // STAPEL_PROTO_GRPC_STATUS_H_
