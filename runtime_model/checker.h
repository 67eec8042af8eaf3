// Checker: evaluates the model's expectations against guest memory, field by field. It locates
// runtime objects (g0, allp[i], the main goroutine ...) through symbols and struct layouts, reads
// each field, and says whether it holds the predicted value.
#pragma once

#include "gostructs/struct_layouts.h"
#include "runtime_model/expectation.h"
#include "runtime_model/guest_view.h"
#include "runtime_model/model_inputs.h"

#include <optional>
#include <string>
#include <vector>

namespace gostart::model {

class Checker {
public:
    // `g_tls_offset`: where the current g is relative to the FS base (StartupModel::g_tls_offset).
    Checker(const GuestView& guest, const gostructs::StructLayouts& layouts, const ModelInputs& inputs,
            int64_t g_tls_offset = -8)
        : guest_(guest), layouts_(layouts), inputs_(inputs), g_tls_offset_(g_tls_offset) {}

    std::vector<Check> evaluate(const std::vector<Expectation>& expectations, std::optional<int> exit_status = {}) const;

    // Where an expectation's field is in memory (nullopt for registers and unlocatable fields):
    // used by tests that corrupt a field and by the stepper.
    std::optional<uint64_t> field_address(const FieldRef& ref) const;
    std::optional<uint64_t> object_address(const std::string& object) const;

private:
    std::optional<uint64_t> read_field(const FieldRef& ref, std::optional<int> exit_status, std::string& error) const;
    std::optional<uint64_t> expected_value(const Expected& e, std::string& error) const;
    std::optional<uint64_t> field_value(const std::string& object, const std::string& type_path) const;

    const GuestView& guest_;
    const gostructs::StructLayouts& layouts_;
    const ModelInputs& inputs_;
    int64_t g_tls_offset_;
};

}  // namespace gostart::model
