#include "proto/unknown_fields.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/unknown_field_set.h>

#include <vector>

namespace stapel {

std::string FirstUnknownField(const google::protobuf::Message& message) {
  const google::protobuf::Reflection* reflection = message.GetReflection();
  const google::protobuf::UnknownFieldSet& unknown = reflection->GetUnknownFields(message);
  if (!unknown.empty()) return std::to_string(unknown.field(0).number());
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const google::protobuf::FieldDescriptor* field : fields) {
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (!field->is_repeated()) {
      const std::string inner = FirstUnknownField(reflection->GetMessage(message, field));
      if (!inner.empty()) return field->name() + "." + inner;
      continue;
    }
    for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
      const std::string inner =
          FirstUnknownField(reflection->GetRepeatedMessage(message, field, i));
      if (!inner.empty()) return field->name() + "[" + std::to_string(i) + "]." + inner;
    }
  }
  return "";
}

}  // namespace stapel
