// Choosing where a binary's struct layouts come from: its own DWARF when that holds every field the model
// needs, else the table of its Go release. Stripped binaries of releases without a table cannot be modelled.
#pragma once

#include "gostructs/struct_layouts.h"
#include "loader/binary_view.h"
#include "loader/go/go_version.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace gostart::gostructs {

// Thrown when no layout can be had; the message is one line naming the version and why.
class LayoutError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// True when `l` holds every non-optional model field and the size of every model type.
bool is_complete(const StructLayouts& l);
// The fields `l` lacks ("g.sched.sp", ...), for messages and tests.
std::vector<std::string> missing_fields(const StructLayouts& l);

// Throws LayoutError when the binary has no (complete) DWARF and its version has no table, including
// versions outside go1.13-go1.27 and versions known only as a pclntab era.
// `dwarf_error` (if given) receives why the binary's DWARF could not be read, when it has DWARF that is
// damaged: the layouts then come from the table, and the caller may tell the user.
StructLayouts layouts_for(const loader::BinaryView& view, const loader::go::GoIdentity& go,
                          std::string* dwarf_error = nullptr);

}  // namespace gostart::gostructs
