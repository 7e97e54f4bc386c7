package vnid

import (
	"errors"
	"fmt"
)

// ErrJunk reports a placeholder or junk value: all zeros, one digit repeated, a run such as
// 0123456789, or words such as "KHONG RO", "không rõ", "N/A", "-" and "0". Records carry such
// values when a form field was mandatory but the fact was unknown; they are not evidence.
var ErrJunk = errors.New("vnid: placeholder value")

// ErrInvalid reports a value that is not any known form of the identifier.
var ErrInvalid = errors.New("vnid: invalid value")

// The errors below are built once so that the error path, common in real data, does not
// allocate. They name the field and the problem, never the value.
var (
	errIDJunk      = fmt.Errorf("%w: citizen ID", ErrJunk)
	errIDTooLong   = fmt.Errorf("%w: citizen ID longer than %d characters", ErrInvalid, maxOpaque)
	errIDTooShort  = fmt.Errorf("%w: citizen ID shorter than %d characters", ErrInvalid, minOpaque)
	errIDCharacter = fmt.Errorf("%w: citizen ID has characters other than letters and digits", ErrInvalid)

	errInsJunk   = fmt.Errorf("%w: insurance number", ErrJunk)
	errInsForm   = fmt.Errorf("%w: insurance number is neither a 15-character card code nor 10 digits", ErrInvalid)
	errInsLevel  = fmt.Errorf("%w: insurance card benefit level is not 1 to 5", ErrInvalid)
	errInsLength = fmt.Errorf("%w: insurance number has the wrong length", ErrInvalid)

	errPhoneJunk      = fmt.Errorf("%w: phone number", ErrJunk)
	errPhoneCharacter = fmt.Errorf("%w: phone number has characters other than digits and separators", ErrInvalid)
	errPhoneLength    = fmt.Errorf("%w: phone number has the wrong length for its prefix", ErrInvalid)
	errPhonePrefix    = fmt.Errorf("%w: phone number prefix is not a Vietnamese mobile or landline prefix", ErrInvalid)
	errPhoneOld       = fmt.Errorf("%w: 11-digit mobile prefix has no 2018 conversion", ErrInvalid)
	errPhoneForeign   = fmt.Errorf("%w: foreign phone number is not valid for its country code", ErrInvalid)
)
