#ifndef SHOTRUNNER_CYAML_SHIM_H
#define SHOTRUNNER_CYAML_SHIM_H
// The system libyaml (Debian's libyaml-dev), exposed to Swift as the CYAML module.
#include <yaml.h>
#endif
