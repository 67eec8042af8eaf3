// userlookup: os/user through cgo, i.e. glibc's getpwnam_r/getpwuid_r and NSS reading /etc/nsswitch.conf
// and /etc/passwd (read-only). Only facts that are the same natively and under the emulator are printed:
// root is in every /etc/passwd, and the current user (the emulator's uid is a fixed 1000) is looked up
// but not printed, since it differs between the host and the guest.
package main

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
)

func main() {
	u, err := user.Lookup("root")
	if err != nil {
		fmt.Println("lookup root:", err)
	} else {
		fmt.Printf("root: uid=%s gid=%s home=%s\n", u.Uid, u.Gid, u.HomeDir)
	}
	if u, err := user.LookupId("0"); err == nil {
		fmt.Println("uid 0 is", u.Username)
	} else {
		fmt.Println("lookup uid 0:", err)
	}
	if g, err := user.LookupGroupId("0"); err == nil {
		fmt.Println("gid 0 is", g.Name)
	} else {
		fmt.Println("lookup gid 0:", err)
	}
	// A name no NSS source knows: glibc asks every source in nsswitch.conf in turn.
	_, err = user.Lookup("gostart-no-such-user")
	fmt.Println("unknown user:", err)

	// The current user: found or not depends on the host's /etc/passwd and the uid, so only whether
	// the answer agrees with getuid() is printed.
	cur, err := user.Current()
	switch {
	case err == nil:
		fmt.Println("current user matches getuid:", cur.Uid == strconv.Itoa(os.Getuid()))
	default:
		if _, ok := err.(user.UnknownUserIdError); ok {
			fmt.Println("current user matches getuid:", true)
		} else {
			fmt.Println("current user:", err)
		}
	}
}
