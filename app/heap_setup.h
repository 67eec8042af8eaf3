// The process heap, set up for what gostart-emu does with it: LIEF copies the program file several
// times over in blocks of megabytes, and on virtual machines every first touch of a 4 KiB page is an
// expensive fault (a third of `info`'s time on a 10 MB binary). So the heap is grown once, up front, as
// one region advised for transparent huge pages, and large blocks are served from it and kept there.
#pragma once

namespace gostart::app {

// Call first thing in main(). Harmless where THP is off or madvise fails; skipped under sanitizers,
// which bring their own allocator.
void set_up_heap();

}  // namespace gostart::app
