#ifndef STAPEL_PARTY_AGENT_FIELD_HEAD_H_
#define STAPEL_PARTY_AGENT_FIELD_HEAD_H_

// The head of a length-delimited protobuf field as the wire format writes it: its tag (field
// number and wire type) and its length, each a varint. The agent writes a batch's bytes from
// their parts (RecordBuilder::BuildAll appends records, Agent digests a SignedBatch without
// serializing it), and they must be the bytes protobuf itself would write.

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <cstdint>
#include <string_view>

namespace stapel {

class FieldHead {
 public:
  FieldHead(int field_number, size_t length) {
    using google::protobuf::internal::WireFormatLite;
    uint8_t* end = google::protobuf::io::CodedOutputStream::WriteVarint32ToArray(
        WireFormatLite::MakeTag(field_number, WireFormatLite::WIRETYPE_LENGTH_DELIMITED), bytes_);
    end = google::protobuf::io::CodedOutputStream::WriteVarint32ToArray(
        static_cast<uint32_t>(length), end);
    size_ = static_cast<size_t>(end - bytes_);
  }
  std::string_view bytes() const { return {reinterpret_cast<const char*>(bytes_), size_}; }

 private:
  uint8_t bytes_[10];  // two varints of up to five bytes
  size_t size_;
};

}  // namespace stapel

#endif  // STAPEL_PARTY_AGENT_FIELD_HEAD_H_
