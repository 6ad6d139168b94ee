// Locating and describing the model file for the commands that run a network.
#pragma once
#include <string>
#include <vector>

#include "args.h"
#include "ecglite/model.h"

namespace ecglite::cli {

// `file_name` in models/ next to or above the executable (build tree or install prefix); "" when
// absent. `tried`, when given, receives the paths looked at.
std::string find_shipped_model(const std::string& file_name, const char* argv0, std::vector<std::string>* tried);

// --model, else $ECGLITE_MODEL, else models/student-int8.ecgm next to / above the executable.
// Throws Error, on one line, listing the places it looked when none is found, or naming
// ECGLITE_MODEL when that is not a file.
std::string find_model(const Args& args, const char* argv0);

// The beat classifier: "" with --no-model, else --model, $ECGLITE_BEATS_MODEL, or
// models/beats-int8.ecgm near the executable; "" when none is found (beats stay unclassified).
std::string find_beats_model(const Args& args, const char* argv0);

// The rhythm model: "" with --no-rhythm-model, else --rhythm-model, $ECGLITE_RHYTHM_MODEL, or
// models/rhythm-int8.ecgm near the executable; "" when none is found (no rhythm verdict).
std::string find_rhythm_model(const Args& args, const char* argv0);

// One line: name, precision, parameters, MACs per window, path.
std::string describe_model(const ModelInfo& model, const std::string& path);

}  // namespace ecglite::cli
