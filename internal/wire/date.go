package wire

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// jupyterDate is the shape of the header strings jupyter_client turns into
// datetimes when it reads a message, whatever the field (jsonutil's
// ISO8601_PAT; Python's \d is any decimal digit, and its $ also matches
// before a final newline).
var jupyterDate = regexp.MustCompile(`^\p{Nd}{4}-\p{Nd}{2}-\p{Nd}{2}T\p{Nd}{2}:\p{Nd}{2}:\p{Nd}{2}(\.\p{Nd}{1,6})?(Z|[+-]\p{Nd}{2}:?\p{Nd}{2})?\n?$`)

// unreadableDate reports whether s has the shape of a date to jupyter_client
// but is not one it can read (month 13, 30 February, an offset of 25 hours,
// digits other than ASCII). A client fails on a message whose header or
// parent_header holds such a string, and the kernel's replies carry the
// request's header to every client as their parent_header; ipykernel never
// gets that far, as its own Session cannot read the request.
func unreadableDate(s string) bool {
	if !jupyterDate.MatchString(s) {
		return false
	}
	for i := range len(s) {
		if s[i] >= 0x80 || s[i] == '\n' {
			return true
		}
	}
	// Now ASCII: YYYY-MM-DDTHH:MM:SS, a fraction, a zone.
	datetime, zone := s[:19], s[19:]
	if strings.HasPrefix(zone, ".") {
		zone = strings.TrimLeft(zone[1:], "0123456789")
	}
	if zone != "" && zone != "Z" {
		hours, _ := strconv.Atoi(zone[1:3])
		minutes, _ := strconv.Atoi(zone[len(zone)-2:])
		if hours > 23 || minutes > 59 {
			return true
		}
	}
	if datetime[11:13] == "24" { // dateutil reads 24:00:00 as the next midnight
		if datetime[13:] != ":00:00" {
			return true
		}
		datetime = datetime[:11] + "00" + datetime[13:]
	}
	t, err := time.Parse("2006-01-02T15:04:05", datetime)
	return err != nil || t.Year() < 1
}
