// Checker: evaluates the model's expectations against guest memory, field by field. It locates
// runtime objects (g0, allp[i], the main goroutine ...) with ObjectLocator, reads each field, and
// says whether it holds the predicted value.
#pragma once

#include "gostructs/struct_layouts.h"
#include "runtime_model/expectation.h"
#include "runtime_model/guest_view.h"
#include "runtime_model/model_inputs.h"
#include "runtime_model/runtime_object.h"

#include <optional>
#include <string>
#include <vector>

namespace gostart::model {

class Checker {
public:
    // `g_tls_offset`: where the current g is relative to the FS base (StartupModel::g_tls_offset).
    Checker(const GuestView& guest, const gostructs::StructLayouts& layouts, const ModelInputs& inputs,
            int64_t g_tls_offset = -8);

    std::vector<Check> evaluate(const std::vector<Expectation>& expectations, std::optional<int> exit_status = {}) const;

    // Where an expectation's field is in memory and how many bytes it has (nullopt for registers and
    // unlocatable fields): used by the checks that corrupt a field to prove a check can fail.
    struct Span {
        guest::Addr addr;
        uint64_t size = 0;
    };
    std::optional<Span> locate(const FieldRef& ref) const;
    const ObjectLocator& objects() const { return objects_; }

private:
    std::optional<uint64_t> read_field(const FieldRef& ref, std::optional<int> exit_status, std::string& error) const;
    std::optional<uint64_t> expected_value(const Expected& e, std::string& error) const;

    const GuestView& guest_;
    const gostructs::StructLayouts& layouts_;
    ObjectLocator objects_;
};

}  // namespace gostart::model
