package matching

import (
	_ "github.com/xrash/smetrics"
	_ "golang.org/x/text/unicode/norm"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/nyaruka/phonenumbers"
	_ "github.com/schollz/progressbar/v3"
)
