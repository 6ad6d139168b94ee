# libFLAC's stream decoder for the wasm build (FLAC-compressed WFDB formats 508/516/524), compiled
# from libFLAC's C source: Debian's source package, which scripts/build-wasm fetches into a build
# cache and passes as ECGLITE_FLAC_SOURCE_DIR (nothing of libFLAC is kept in this repository).
# Decoding only: no encoder, no Ogg, no metadata editing, no assembly or CPU-specific intrinsics,
# integer-only. Defines the target ecglite_flac that the core links (see the top-level CMakeLists).
set(ECGLITE_FLAC_SOURCE_DIR "" CACHE PATH
    "libFLAC source tree (flac-1.4.x: src/libFLAC, include) for the wasm build; empty: FLAC formats refused")
# -Oz: 12 KB raw / 3.8 KB gzipped less than -O3 for every visitor; reading a 10-min 12-lead FLAC
# record (3.6 M samples) takes 2-10 ms longer (~60 ms), and only FLAC records pay it (docs/WEB.md).
set(ECGLITE_FLAC_OPT "-Oz" CACHE STRING "Optimisation flag for libFLAC in the wasm build (-Oz or -O3)")

set(_flac_lib "${ECGLITE_FLAC_SOURCE_DIR}/src/libFLAC")
if(ECGLITE_FLAC_SOURCE_DIR AND EXISTS "${_flac_lib}/stream_decoder.c")
  # What FLAC__stream_decoder_* reaches: frames (bitreader, CRCs), the fixed and LPC predictors,
  # STREAMINFO and format tables, the optional MD5 check, aligned buffers.
  add_library(ecglite_flac STATIC
    ${_flac_lib}/stream_decoder.c ${_flac_lib}/bitreader.c ${_flac_lib}/bitmath.c ${_flac_lib}/cpu.c
    ${_flac_lib}/crc.c ${_flac_lib}/fixed.c ${_flac_lib}/lpc.c ${_flac_lib}/format.c ${_flac_lib}/md5.c
    ${_flac_lib}/memory.c)
  file(STRINGS "${ECGLITE_FLAC_SOURCE_DIR}/CMakeLists.txt" _flac_project REGEX "^project\\(FLAC VERSION")
  string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" _flac_version "${_flac_project}")
  target_include_directories(ecglite_flac
    PUBLIC ${ECGLITE_FLAC_SOURCE_DIR}/include
    PRIVATE ${_flac_lib}/include)
  target_compile_definitions(ecglite_flac
    PUBLIC FLAC__NO_DLL
    PRIVATE FLAC__NO_ASM FLAC__HAS_OGG=0 FLAC__INTEGER_ONLY_LIBRARY HAVE_STDINT_H HAVE_INTTYPES_H HAVE_LROUND
            CPU_IS_BIG_ENDIAN=0 CPU_IS_LITTLE_ENDIAN=1 WORDS_BIGENDIAN=0 ENABLE_64_BIT_WORDS=0
            PACKAGE_VERSION="${_flac_version}" NDEBUG)
  # Third-party code: its warnings are not ours to fix.
  target_compile_options(ecglite_flac PRIVATE ${ECGLITE_FLAC_OPT} -w)
  message(STATUS "libFLAC ${_flac_version} decoder from ${ECGLITE_FLAC_SOURCE_DIR} (${ECGLITE_FLAC_OPT})")
endif()
