#ifndef STAPEL_PROTO_UNKNOWN_FIELDS_H_
#define STAPEL_PROTO_UNKNOWN_FIELDS_H_

#include <google/protobuf/message.h>

#include <string>

namespace stapel {

// The path of the first field in `message` (or any message inside it) that the schema does
// not name, as "records[3].99"; empty when there is none. Signed bytes must hold nothing the
// hub does not know: an unknown field could carry anything, plaintext identifiers included.
std::string FirstUnknownField(const google::protobuf::Message& message);

}  // namespace stapel

#endif  // STAPEL_PROTO_UNKNOWN_FIELDS_H_
