// Checkpoints: the states the stepper can go back to, by instruction count. Going back to N restores
// the last checkpoint at or before N and runs forward to N (execution is deterministic), so a step
// back costs a restore plus at most the distance to that checkpoint.
//
// Policy, in plain words: on the way forward a checkpoint is taken every `interval` instructions (at
// multiples of it). A checkpoint costs the pages written since the one before (cpu/snapshot.h), so
// dense checkpoints are cheap. When there are more than `max_count`, or they hold more than
// `max_bytes`, the one whose removal hurts least goes: the one with the smallest gap it would leave,
// measured against its distance from where the user is now. So checkpoints stay dense around the
// current position and thin out geometrically behind it; the one at instruction 0 always stays.
// Going back and running forward again fills the gaps anew where the user now is.
#pragma once

#include "session/session.h"

#include <any>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace gostart::stepper {

struct Checkpoint {
    std::unique_ptr<session::SessionCheckpoint> session;
    std::any extra;  // the app's state beside the session (Target::save_extra)
};

struct CheckpointPolicy {
    uint64_t interval = 100'000;        // instructions between checkpoints (0: none but the first)
    size_t max_count = 200;
    size_t max_bytes = size_t(512) << 20;  // page copies and page tables of all checkpoints
    // False: no checkpoint at all, not even at instruction 0, and no going back (the snapshots'
    // write tracking stays off): a forward-only run.
    bool reversible = true;
};

class CheckpointStore {
public:
    explicit CheckpointStore(CheckpointPolicy policy) : policy_(policy) {}

    const CheckpointPolicy& policy() const { return policy_; }
    // The last checkpoint at or before `pos` (nullptr only while there is none at all).
    const Checkpoint* at_or_before(uint64_t pos) const;
    // Where running forward from `pos` should take the next checkpoint (nullopt: nowhere).
    std::optional<uint64_t> next_after(uint64_t pos) const;
    bool has(uint64_t pos) const { return by_pos_.count(pos) != 0; }
    // Keeps `c`, then thins the store around `focus` (where the user is).
    void add(Checkpoint c, uint64_t focus);

    size_t count() const { return by_pos_.size(); }
    std::vector<uint64_t> positions() const;
    // What all checkpoints hold: page copies (shared ones once) and each one's page table.
    size_t bytes() const;

private:
    void thin(uint64_t focus);

    CheckpointPolicy policy_;
    std::map<uint64_t, Checkpoint> by_pos_;
};

}  // namespace gostart::stepper
