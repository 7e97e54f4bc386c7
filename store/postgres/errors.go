package postgres

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vnhealth/mpi/store"
)

// sqlError is a server error reduced to what is safe to show: the
// SQLSTATE, the table and constraint it names and, for the classes whose
// messages never quote data, the message. PostgreSQL's messages for data
// exceptions (class 22) and its error details quote row values, which may
// be patient data; they are dropped.
type sqlError struct {
	code, table, constraint, message string
}

func (e *sqlError) Error() string {
	var b strings.Builder
	b.WriteString("SQLSTATE ")
	b.WriteString(e.code)
	if e.message != "" {
		b.WriteString(": ")
		b.WriteString(e.message)
	}
	if e.table != "" {
		fmt.Fprintf(&b, " (table %s)", e.table)
	}
	if e.constraint != "" {
		fmt.Fprintf(&b, " (constraint %s)", e.constraint)
	}
	return b.String()
}

// messageSafe lists the SQLSTATE classes whose messages name objects, not
// values: connection, integrity constraint (the message; the detail quotes
// the key), transaction state, serialization, syntax and access rules,
// resources, object state, operator intervention, system.
var messageSafe = map[string]bool{
	"08": true, "23": true, "25": true, "40": true, "42": true, "53": true,
	"54": true, "55": true, "57": true, "58": true,
}

// errEncode stands for pgx's failure to encode a statement's argument,
// whose message prints the argument (a golden record, say) whole.
var errEncode = errors.New("a statement argument could not be encoded (its value is withheld)")

// safeError replaces a server error in err's chain by its sqlError, and
// pgx's failure to encode an argument by errEncode; other errors
// (network, context) carry no row values and pass unchanged.
func safeError(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		if strings.Contains(err.Error(), "encode") {
			return errEncode
		}
		return err
	}
	se := &sqlError{code: pe.Code, table: pe.TableName, constraint: pe.ConstraintName}
	if len(pe.Code) == 5 && messageSafe[pe.Code[:2]] {
		se.message = pe.Message
	}
	return se
}

// retryable reports whether err is a failure to serialize with a
// concurrent transaction, or the server's lock tables full for the
// moment: running the transaction again may succeed.
func retryable(err error) bool {
	var se *sqlError
	if errors.As(err, &se) {
		return retryCode(se.code)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return retryCode(pe.Code)
	}
	return false
}

// retryCode: serialization failure, deadlock, and out of shared memory —
// what a serializable transaction meets when the concurrent ones hold
// every predicate lock the server has room for (max_pred_locks_per_
// transaction × connections; 6,400 by default). A bulk import beside
// concurrent resolves filled it on this project's test server and the
// import stopped; tried again — alone in the process after three tries —
// the transaction finds room once the others commit.
func retryCode(code string) bool {
	return code == "40001" || code == "40P01" || code == "53200"
}

// translate maps a server error to the store's sentinels, keeping the
// reduced server error in the chain: serialization failures and deadlocks
// are ErrConflict, unique violations ErrExists, data exceptions and check
// or not-null violations ErrInvalid.
func translate(op string, err error) error {
	safe := safeError(err)
	var se *sqlError
	if !errors.As(safe, &se) {
		return fmt.Errorf("postgres: %s: %w", op, safe)
	}
	var sentinel error
	switch {
	case se.code == "40001" || se.code == "40P01":
		sentinel = store.ErrConflict
	case se.code == "23505":
		sentinel = store.ErrExists
	case se.code == "23502" || se.code == "23514" || strings.HasPrefix(se.code, "22"):
		sentinel = store.ErrInvalid
	default:
		return fmt.Errorf("postgres: %s: %w", op, se)
	}
	return fmt.Errorf("postgres: %s: %w: %w", op, sentinel, se)
}
