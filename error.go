package saima

import (
	"errors"
	"fmt"
)

// Kind is a category of failure. The web layer maps each kind to one HTTP
// status, and the command line maps it to an exit code.
type Kind int

// The kinds of failure. The zero value is KindInternal, so an unclassified
// error is never shown to users in detail.
const (
	KindInternal    Kind = iota // a bug or an unexpected state; details stay in the log
	KindInvalid                 // the input breaks a rule; the message names it and the fix
	KindNotFound                // the named thing does not exist
	KindConflict                // the request clashes with the current state
	KindForbidden               // the caller may not do this
	KindUnavailable             // a dependency (the database) cannot be reached now
)

func (k Kind) String() string {
	switch k {
	case KindInvalid:
		return "invalid"
	case KindNotFound:
		return "not found"
	case KindConflict:
		return "conflict"
	case KindForbidden:
		return "forbidden"
	case KindUnavailable:
		return "unavailable"
	default:
		return "internal"
	}
}

// Error is an error with a kind and a message meant for users (in Chinese).
// Err, when set, is the underlying cause, which is logged but never shown.
type Error struct {
	Kind    Kind
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.Message
	}
	if e.Message == "" {
		return e.Err.Error()
	}
	return e.Message + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// ErrOutcomeUnknown marks a write that failed in a way that leaves open
// whether the database stored it, when reading it back could not settle
// that either. Callers tell users where to check instead of saying that
// nothing was written.
var ErrOutcomeUnknown = errors.New("outcome of the write unknown")

// Errorf returns an *Error of the given kind whose message is formatted from
// format and args.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error of the given kind that shows message to users and
// keeps err as the cause. It returns nil when err is nil.
func Wrap(kind Kind, message string, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Kind: kind, Message: message, Err: err}
}

// ErrorKind returns the kind of the first *Error in err's chain, and
// KindInternal when there is none.
func ErrorKind(err error) Kind {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Kind
	}
	return KindInternal
}

// ErrorMessage returns the user-facing message of the first *Error in err's
// chain, or a generic message when err carries none, so that internal details
// never reach a user.
func ErrorMessage(err error) string {
	if e, ok := errors.AsType[*Error](err); ok && e.Message != "" {
		return e.Message
	}
	return "服务器内部错误，请稍后重试；如果问题持续，请联系系统管理员"
}
