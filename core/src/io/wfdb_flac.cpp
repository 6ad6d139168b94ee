// FLAC-compressed WFDB signal files (formats 508, 516, 524; WFDB 10.7): one FLAC stream per signal
// file, one FLAC channel per signal of the file, each channel holding its signal's samples in time
// order (samples_per_frame of them per WFDB frame). The only file that knows libFLAC: a build without
// it (ECGLITE_HAVE_FLAC undefined) compiles and refuses these formats with unsupported_format.
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "ecglite/error.h"
#include "wfdb_internal.h"

#ifdef ECGLITE_HAVE_FLAC
#include <FLAC/stream_decoder.h>
#endif

namespace ecglite::wfdb {

#ifdef ECGLITE_HAVE_FLAC

namespace {

// State shared with libFLAC's C callbacks. Errors are recorded here and the callbacks return ABORT:
// an exception must not unwind through libFLAC's C frames.
struct FlacSink {
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
  std::size_t pos = 0;
  FlacLayout layout;
  std::uint64_t max_values = 0;
  std::vector<std::int32_t> values;  // WFDB frame order
  std::uint64_t per_channel = 0;     // samples of each channel decoded so far
  ErrorKind error_kind = ErrorKind::bad_data;
  std::string error;                 // first problem found, "" while none
  bool damaged = false;              // libFLAC reported bad data (error holds what)
  bool frame_after_damage = false;   // ... and then decoded a frame: not just a cut-off end
};

FLAC__StreamDecoderReadStatus read_bytes(const FLAC__StreamDecoder*, FLAC__byte buffer[], std::size_t* bytes,
                                         void* client) {
  FlacSink& sink = *static_cast<FlacSink*>(client);
  const std::size_t n = std::min(*bytes, sink.size - sink.pos);
  if (n == 0) {
    *bytes = 0;
    return FLAC__STREAM_DECODER_READ_STATUS_END_OF_STREAM;
  }
  std::memcpy(buffer, sink.data + sink.pos, n);
  sink.pos += n;
  *bytes = n;
  return FLAC__STREAM_DECODER_READ_STATUS_CONTINUE;
}

// Scatters a FLAC block (per-channel runs) into WFDB frames: channel c's sample n goes to frame
// n / spf, slot c * spf + n % spf.
FLAC__StreamDecoderWriteStatus write_block(const FLAC__StreamDecoder*, const FLAC__Frame* frame,
                                           const FLAC__int32* const buffer[], void* client) {
  FlacSink& sink = *static_cast<FlacSink*>(client);
  if (!sink.error.empty()) {
    sink.frame_after_damage = sink.damaged;
    return FLAC__STREAM_DECODER_WRITE_STATUS_ABORT;
  }
  const FlacLayout& l = sink.layout;
  const unsigned channels = frame->header.channels, bits = frame->header.bits_per_sample;
  if ((int)channels != l.channels) {
    sink.error = "the FLAC stream has " + std::to_string(channels) + " channel" + (channels == 1 ? "" : "s") +
                 " but the header lists " + std::to_string(l.channels) + " signal" + (l.channels == 1 ? "" : "s") +
                 " in this file (the header and the signal file do not belong together)";
    return FLAC__STREAM_DECODER_WRITE_STATUS_ABORT;
  }
  if ((int)bits > l.bits) {
    sink.error = "the FLAC stream has " + std::to_string(bits) + "-bit samples but format " +
                 std::to_string(500 + l.bits) + " holds at most " + std::to_string(l.bits) +
                 " bits (the header and the signal file do not belong together)";
    return FLAC__STREAM_DECODER_WRITE_STATUS_ABORT;
  }
  const std::uint64_t spf = l.samples_per_frame, frame_size = spf * channels;
  const std::uint64_t end = sink.per_channel + frame->header.blocksize;
  const std::uint64_t needed = (end + spf - 1) / spf * frame_size;
  if (needed > sink.max_values) {
    sink.error_kind = ErrorKind::limit;
    sink.error = "the FLAC stream decodes to more than " + std::to_string(sink.max_values) +
                 " samples, the limit (read a shorter range, or split the record)";
    return FLAC__STREAM_DECODER_WRITE_STATUS_ABORT;
  }
  sink.values.resize(needed);
  for (unsigned c = 0; c < channels; ++c)
    for (std::uint64_t n = sink.per_channel; n < end; ++n)
      sink.values[n / spf * frame_size + c * spf + n % spf] = buffer[c][n - sink.per_channel];
  sink.per_channel = end;
  return FLAC__STREAM_DECODER_WRITE_STATUS_CONTINUE;
}

void record_error(const FLAC__StreamDecoder*, FLAC__StreamDecoderErrorStatus status, void* client) {
  FlacSink& sink = *static_cast<FlacSink*>(client);
  if (!sink.error.empty()) return;
  const char* what = "undecodable data";
  switch (status) {
    case FLAC__STREAM_DECODER_ERROR_STATUS_LOST_SYNC: what = "lost sync: bytes that are not FLAC frames"; break;
    case FLAC__STREAM_DECODER_ERROR_STATUS_BAD_HEADER: what = "a damaged frame header"; break;
    case FLAC__STREAM_DECODER_ERROR_STATUS_FRAME_CRC_MISMATCH: what = "a frame whose CRC does not match"; break;
    case FLAC__STREAM_DECODER_ERROR_STATUS_UNPARSEABLE_STREAM: what = "a stream libFLAC cannot parse"; break;
    default: break;
  }
  sink.damaged = true;
  sink.error = std::string("the FLAC stream is corrupt (") + what + ", after " + std::to_string(sink.per_channel) +
               " samples per signal)";
}

}  // namespace

bool flac_supported() { return true; }

std::vector<std::int32_t> decode_flac(const std::uint8_t* data, std::size_t size, const FlacLayout& layout,
                                      std::int64_t want_frames, std::uint64_t max_values,
                                      const std::string& file_name) {
  if (size < 4 || std::memcmp(data, "fLaC", 4) != 0)
    throw Error(ErrorKind::bad_data, file_name + ": not a FLAC stream (it does not begin with 'fLaC'), but the "
                                                 "header says format " + std::to_string(500 + layout.bits));
  FlacSink sink;
  sink.data = data;
  sink.size = size;
  sink.layout = layout;
  sink.max_values = max_values;

  struct DecoderDeleter {
    void operator()(FLAC__StreamDecoder* d) const { FLAC__stream_decoder_delete(d); }
  };
  std::unique_ptr<FLAC__StreamDecoder, DecoderDeleter> decoder(FLAC__stream_decoder_new());
  if (!decoder ||
      FLAC__stream_decoder_init_stream(decoder.get(), read_bytes, nullptr, nullptr, nullptr, nullptr, write_block,
                                       nullptr, record_error, &sink) != FLAC__STREAM_DECODER_INIT_STATUS_OK)
    throw Error(ErrorKind::limit, file_name + ": cannot start the FLAC decoder (out of memory)");
  const std::uint64_t want = want_frames < 0 ? UINT64_MAX : static_cast<std::uint64_t>(want_frames);
  // After damage, decoding goes on until the next frame: if there is none, the stream was cut off
  // (a truncated file), which deserves its own message.
  while ((sink.error.empty() || (sink.damaged && !sink.frame_after_damage)) &&
         sink.per_channel / layout.samples_per_frame < want) {
    const bool ok = FLAC__stream_decoder_process_single(decoder.get());
    const FLAC__StreamDecoderState state = FLAC__stream_decoder_get_state(decoder.get());
    if (state == FLAC__STREAM_DECODER_END_OF_STREAM) break;
    if (!ok) {
      if (sink.error.empty())
        sink.error = std::string("FLAC decoding failed (") + FLAC__StreamDecoderStateString[state] + ")";
      break;
    }
  }
  if (sink.damaged && !sink.frame_after_damage)
    throw Error(ErrorKind::bad_data, file_name + ": the FLAC stream is truncated: it ends inside a frame, after " +
                                         std::to_string(sink.per_channel) +
                                         " samples per signal (an incomplete download or copy)");
  if (!sink.error.empty()) throw Error(sink.error_kind, file_name + ": " + sink.error);
  // Whole frames only: a trailing partial frame is dropped, as the WFDB library does.
  const std::uint64_t frames = sink.per_channel / layout.samples_per_frame;
  sink.values.resize(frames * layout.samples_per_frame * layout.channels);
  return std::move(sink.values);
}

#else  // !ECGLITE_HAVE_FLAC

bool flac_supported() { return false; }

std::vector<std::int32_t> decode_flac(const std::uint8_t*, std::size_t, const FlacLayout& layout, std::int64_t,
                                      std::uint64_t, const std::string& file_name) {
  throw Error(ErrorKind::unsupported_format, unsupported_format_message(file_name, 500 + layout.bits));
}

#endif

}  // namespace ecglite::wfdb
