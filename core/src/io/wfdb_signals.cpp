// One single-segment WFDB record: signal groups (one per file), frames of interleaved samples,
// first differences (format 8), invalid sentinels, skew, checksums and frame averaging, with the
// semantics of the WFDB library's getframe()/getvec() as used by rdsamp.
#include <algorithm>
#include <climits>
#include <cmath>
#include <iterator>
#include <string>

#include "ecglite/error.h"
#include "wfdb_internal.h"

namespace ecglite::wfdb {

namespace {

inline std::int32_t apply_map(std::int32_t v, const SampleMap& m) {
  if (m.identity || v == kInvalidSample) return v;
  // WFDB's sigmap: round half up by flooring (value * scale + offset), offset includes the 0.5.
  const double x = std::floor(v * m.scale + m.offset);
  if (x >= (double)INT32_MAX) return INT32_MAX;
  if (x <= (double)INT32_MIN) return INT32_MIN + 1;
  return static_cast<std::int32_t>(x);
}

}  // namespace

Bytes SignalFiles::file(const std::string& name, const Limits& limits) const {
  if (!ranged) return whole(name);
  const std::uint64_t size = ranged->size(name);
  if (size > limits.max_file_bytes)
    throw Error(ErrorKind::limit, name + ": " + std::to_string(size) + " bytes exceeds the limit of " +
                                      std::to_string(limits.max_file_bytes) + " bytes per file");
  Bytes bytes = ranged->read(name, 0, size);
  if (bytes.size() != size)
    throw Error(ErrorKind::missing_file, name + ": read " + std::to_string(bytes.size()) + " of its " +
                                             std::to_string(size) + " bytes (the file changed while it was read)");
  return bytes;
}

SegmentReader::SegmentReader(const WfdbHeader& header, std::string name, const SignalFiles& files,
                             const Limits& limits, bool pad_skew)
    : header_(header), name_(std::move(name)), pad_skew_(pad_skew), ranged_(files.ranged) {
  const int nsig = static_cast<int>(header.signals.size());
  if ((std::size_t)nsig > limits.max_signals)
    throw Error(ErrorKind::limit, name_ + ": the record has " + std::to_string(nsig) +
                                      " signals, more than the limit of " + std::to_string(limits.max_signals));

  // Signals listed together with the same file name form a group read from that file (WFDB rule).
  for (int s = 0; s < nsig; ++s) {
    const WfdbSignalSpec& spec = header.signals[s];
    if (!is_supported_wfdb_format(spec.format)) {
      if (is_flac_format(spec.format))
        throw Error(
            ErrorKind::unsupported_format,
            unsupported_format_message(
                spec.file_name + " (" + signal_label(header.signals[s], s) + " of " + name_ + ")", spec.format));
      throw Error(ErrorKind::unsupported_format, name_ + ": " + signal_label(header.signals[s], s) +
                                                     " has unsupported format " + std::to_string(spec.format) +
                                                     " (supported: " + format_list() + ")");
    }
    if (s > 0 && spec.file_name == header.signals[s - 1].file_name) {
      Group& g = groups_.back();
      if (spec.format != g.format || spec.block_size != header.signals[g.first_signal].block_size)
        throw Error(ErrorKind::bad_header, name_ + ": signals " + std::to_string(s - 1) + " and " + std::to_string(s) +
                                               " share file " + spec.file_name +
                                               " but differ in format or block size (the header is inconsistent)");
      ++g.num_signals;
      g.frame_size += spec.samples_per_frame;
    } else {
      Group g;
      g.first_signal = s;
      g.num_signals = 1;
      g.format = spec.format;
      g.frame_size = spec.samples_per_frame;
      g.offset = spec.byte_offset;
      g.file_name = spec.file_name;
      groups_.push_back(std::move(g));
    }
    // WFDB converts the skew (in samples) to frames, rounding to the nearest frame.
    skew_frames_.push_back(static_cast<int>(static_cast<double>(spec.skew) / spec.samples_per_frame + 0.5));
    max_skew_ = std::max(max_skew_, skew_frames_.back());
  }

  const std::int64_t length = header.length.value_or(0);  // 0: unknown, as in WFDB
  std::int64_t available = -1;                              // frames every signal file holds
  std::uint64_t decoded_values = 0;                         // FLAC samples held, all files
  for (Group& g : groups_) {
    if (g.format == 0) continue;  // null signal: no file
    if (ranged_ && !is_flac_format(g.format)) {
      // Only ranges are held: the file may be larger than max_file_bytes.
      const std::uint64_t bytes = ranged_->size(g.file_name);
      if (bytes > static_cast<std::uint64_t>(INT64_MAX / 8))
        throw Error(ErrorKind::bad_data, g.file_name + ": " + std::to_string(bytes) + " bytes: not a signal file");
      g.size = static_cast<std::int64_t>(bytes);
    } else {
      g.bytes = files.file(g.file_name, limits);
      if (g.bytes.size() > limits.max_file_bytes)
        throw Error(ErrorKind::limit, g.file_name + ": " + std::to_string(g.bytes.size()) +
                                          " bytes exceeds the limit of " + std::to_string(limits.max_file_bytes) +
                                          " bytes per file");
      g.size = static_cast<std::int64_t>(g.bytes.size());
    }
    const std::int64_t size = g.size;
    if (is_flac_format(g.format)) {
      load_flac(g, length, limits, decoded_values);
      check_length(g, length, size);
      available = available < 0 ? g.frames : std::min(available, g.frames);
      continue;
    }
    if (g.offset > size)
      throw Error(ErrorKind::bad_data, g.file_name + ": the header " + name_ + " says the samples start at byte " +
                                           std::to_string(g.offset) + " but the file has only " + std::to_string(size) +
                                           " bytes (wrong file or truncated download)");
    g.frames = samples_in_bytes(g.format, size - g.offset) / g.frame_size;
    check_length(g, length, size);
    available = available < 0 ? g.frames : std::min(available, g.frames);
  }
  if (available < 0) available = length;  // only null signals

  const std::int64_t stated = length > 0 ? length : available;
  if (pad_skew_) {
    num_frames_ = stated;
  } else {
    // rdsamp stops when the most skewed signal runs out of data.
    num_frames_ = std::max<std::int64_t>(0, std::min(stated, available - max_skew_));
  }
  decode_frames_ = std::min(available, std::max(length, num_frames_ + max_skew_));
  verify_checksums_ = length > 0;
}

void SegmentReader::check_length(const Group& g, std::int64_t length, std::int64_t size) const {
  if (length <= 0 || g.frames >= length) return;
  if (is_flac_format(g.format))
    throw Error(ErrorKind::bad_data, g.file_name + ": the FLAC stream is too short: it holds " +
                                         std::to_string(g.frames) + " samples per signal, but the header " + name_ +
                                         " says " + std::to_string(length) +
                                         "; the file is truncated or belongs to another record");
  // (A hostile length could overflow the byte count: then it is not worth printing.)
  const bool countable = length <= (INT64_MAX / 8 - g.offset) / g.frame_size;
  const std::string needed =
      countable ? " (" + std::to_string(g.offset + bytes_for_samples(g.format, length * g.frame_size)) + " bytes)" : "";
  throw Error(ErrorKind::bad_data, g.file_name + ": file is too short: " + std::to_string(size) + " bytes hold " +
                                       std::to_string(g.frames) + " samples per signal, but the header " + name_ +
                                       " says " + std::to_string(length) + needed +
                                       "; the file is truncated or belongs to another record");
}

// A FLAC file is decoded whole up front (as far as the record needs: its length plus the largest
// skew), its samples counted against the sample limit of the record, all files together.
void SegmentReader::load_flac(Group& g, std::int64_t length, const Limits& limits, std::uint64_t& decoded_values) {
  FlacLayout layout;
  layout.channels = g.num_signals;
  layout.samples_per_frame = header_.signals[g.first_signal].samples_per_frame;
  layout.bits = g.format - 500;
  const std::string where = g.file_name + " (" + name_ + ")";
  for (int i = 1; i < g.num_signals; ++i)
    if (header_.signals[g.first_signal + i].samples_per_frame != layout.samples_per_frame)
      throw Error(ErrorKind::bad_header, where + ": the signals of a FLAC file must have the same samples per "
                                                 "frame (the header is inconsistent)");
  if (g.num_signals > 8)
    throw Error(ErrorKind::bad_header, where + ": " + std::to_string(g.num_signals) +
                                           " signals share this FLAC file, but FLAC holds at most 8 channels");
  if (g.offset != 0)
    throw Error(ErrorKind::unsupported_format,
                where + ": a byte offset (+" + std::to_string(g.offset) + ") on a FLAC signal file is not supported");
  const std::int64_t want = length > 0 ? length + max_skew_ : -1;
  g.flac_values = decode_flac(g.bytes.data(), g.bytes.size(), layout, want,
                              limits.max_total_samples - std::min(decoded_values, limits.max_total_samples),
                              g.file_name);
  decoded_values += g.flac_values.size();
  g.frames = static_cast<std::int64_t>(g.flac_values.size()) / g.frame_size;
  g.bytes = Bytes();  // the samples are all that is needed from here on
}

void SegmentReader::decode_range(const Group& g, std::int64_t first, std::int64_t count, std::int32_t* out) const {
  // Formats pack 1, 2 (212) or 3 (310, 311) samples in a whole number of bytes: start at a pack.
  const std::int64_t pack = g.format == 212 ? 2 : (g.format == 310 || g.format == 311) ? 3 : 1;
  const std::int64_t aligned = first - first % pack;
  const std::int64_t begin = g.offset + bytes_for_samples(g.format, aligned);
  const std::int64_t end = g.offset + bytes_for_samples(g.format, first + count);
  const Bytes bytes = ranged_->read(g.file_name, static_cast<std::uint64_t>(begin), static_cast<std::uint64_t>(end - begin));
  if (static_cast<std::int64_t>(bytes.size()) != end - begin)
    throw Error(ErrorKind::bad_data, g.file_name + ": bytes " + std::to_string(begin) + " to " + std::to_string(end) +
                                         " could not be read (the file is shorter than it was when opened)");
  decode_samples(g.format, bytes.data(), bytes.size(), first - aligned, count, out);
}

void SegmentReader::read(const std::vector<SampleMap>& maps, const std::vector<int>& out_spf,
                         std::int64_t from, std::int64_t to, bool expand,
                         std::vector<std::vector<std::int32_t>>& out,
                         std::vector<std::optional<std::uint16_t>>& checksums,
                         std::vector<std::string>& warnings) const {
  const int nsig = static_cast<int>(header_.signals.size());
  const std::int64_t count = std::max<std::int64_t>(0, to - from);
  // Columns fed by each header signal.
  std::vector<std::vector<int>> columns_of(nsig);
  std::vector<std::size_t> base(maps.size());
  for (std::size_t c = 0; c < maps.size(); ++c) {
    const std::size_t per_frame = expand ? out_spf[c] : 1;
    base[c] = out[c].size();
    out[c].resize(base[c] + count * per_frame, kInvalidSample);
    if (maps[c].source >= 0) columns_of[maps[c].source].push_back(static_cast<int>(c));
  }
  checksums.assign(nsig, std::nullopt);

  std::vector<std::int32_t> raw;
  std::vector<std::int32_t> frame_values;  // the current frame's samples of one signal
  for (const Group& g : groups_) {
    if (g.format == 0) continue;  // null signals stay invalid
    const std::optional<std::int32_t> sentinel = invalid_sentinel(g.format);
    std::vector<std::int64_t> value(g.num_signals);  // running value of format 8 signals
    std::vector<std::uint32_t> sum(g.num_signals, 0);
    for (int i = 0; i < g.num_signals; ++i) value[i] = header_.signals[g.first_signal + i].initial_value;

    // Raw frames to decode: all of them when reading whole (checksums need every sample); when
    // ranged, those that feed output frames [from, to) (signal s's output frame t is raw frame
    // t + skew), from the nearest checkpoint for format 8, whose samples are differences.
    const bool ranged = ranged_ && !is_flac_format(g.format);
    const std::int64_t chunk_frames = std::max<std::int64_t>(1, (ranged && g.format != 8 ? 1 << 18 : 65536) / g.frame_size);
    std::int64_t lo = 0, hi = decode_frames_;
    if (ranged) {
      int min_skew = INT32_MAX, max_skew = 0;
      for (int i = 0; i < g.num_signals; ++i) {
        min_skew = std::min(min_skew, skew_frames_[g.first_signal + i]);
        max_skew = std::max(max_skew, skew_frames_[g.first_signal + i]);
      }
      lo = std::clamp<std::int64_t>(from + min_skew, 0, decode_frames_);
      hi = std::clamp<std::int64_t>(to + max_skew, lo, decode_frames_);
      if (lo == hi) continue;
      if (g.format == 8) {
        if (g.checkpoints.empty()) g.checkpoints[0] = value;
        const auto at = std::prev(g.checkpoints.upper_bound(lo));
        lo = at->first;
        value = at->second;
      }
    }
    for (std::int64_t f0 = lo; f0 < hi; f0 += chunk_frames) {
      const std::int64_t nf = std::min(chunk_frames, hi - f0);
      if (ranged && g.format == 8 && !g.checkpoints.count(f0)) g.checkpoints[f0] = value;
      const std::int32_t* p;
      if (is_flac_format(g.format)) {
        p = g.flac_values.data() + f0 * g.frame_size;
      } else {
        raw.resize(nf * g.frame_size);
        if (ranged)
          decode_range(g, f0 * g.frame_size, nf * g.frame_size, raw.data());
        else
          decode_samples(g.format, g.bytes.data() + g.offset, g.bytes.size() - g.offset, f0 * g.frame_size,
                         nf * g.frame_size, raw.data());
        p = raw.data();
      }
      for (std::int64_t f = f0; f < f0 + nf; ++f) {
        const bool in_checksum = verify_checksums_ && !ranged && f < header_.length.value_or(0);
        for (int i = 0; i < g.num_signals; ++i) {
          const int s = g.first_signal + i;
          const int spf = header_.signals[s].samples_per_frame;
          frame_values.resize(spf);
          for (int j = 0; j < spf; ++j) {
            std::int32_t v = *p++;
            if (g.format == 8) {
              value[i] += v;
              v = static_cast<std::int32_t>(value[i]);
              frame_values[j] = v;
            } else {
              frame_values[j] = (sentinel && v == *sentinel) ? kInvalidSample : v;
            }
            if (in_checksum) sum[i] += static_cast<std::uint32_t>(v);
          }
          const std::int64_t t = f - skew_frames_[s];  // output frame of this raw frame
          if (t < from || t >= to) continue;
          for (int c : columns_of[s]) {
            const SampleMap& m = maps[c];
            std::int32_t* dst = out[c].data() + base[c];
            if (expand) {
              dst += (t - from) * out_spf[c];
              for (int j = 0; j < std::min(spf, out_spf[c]); ++j) dst[j] = apply_map(frame_values[j], m);
            } else if (spf == 1) {
              dst[t - from] = apply_map(frame_values[0], m);
            } else {
              // getvec's low-resolution mode: the mean of the frame's samples, truncated toward zero
              // (C integer division); invalid if any sample is.
              std::int64_t acc = 0;
              bool valid = true;
              for (int j = 0; j < spf && valid; ++j) {
                const std::int32_t mv = apply_map(frame_values[j], m);
                valid = mv != kInvalidSample;
                acc += mv;
              }
              dst[t - from] = valid ? static_cast<std::int32_t>(acc / spf) : kInvalidSample;
            }
          }
        }
      }
    }

    if (!verify_checksums_ || ranged) continue;
    for (int i = 0; i < g.num_signals; ++i) {
      const int s = g.first_signal + i;
      const std::uint16_t computed = static_cast<std::uint16_t>(sum[i] & 0xffff);
      checksums[s] = computed;
      const std::optional<int> stated = header_.signals[s].checksum;
      if (stated && (static_cast<std::uint32_t>(*stated) & 0xffff) != computed)
        warnings.push_back(name_ + ": " + signal_label(header_.signals[s], s) + ": checksum mismatch (header says " +
                           std::to_string(*stated) + ", the samples give " +
                           std::to_string(static_cast<std::int16_t>(computed)) +
                           "; the signal file may be corrupt or belong to another record)");
    }
  }
}

}  // namespace ecglite::wfdb
