#ifndef STAPEL_PROTO_TABLE_REQUEST_H_
#define STAPEL_PROTO_TABLE_REQUEST_H_

// A table request (linker/table_spec.h) to and from its wire form, v1::TableRequest.

#include "proto/stapel.pb.h"
#include "tables/table_spec.h"

namespace stapel {

v1::TableRequest TableRequestToProto(const TableRequest& request);
// An empty level becomes "buurt".
TableRequest TableRequestFromProto(const v1::TableRequest& request);

}  // namespace stapel

#endif  // STAPEL_PROTO_TABLE_REQUEST_H_
