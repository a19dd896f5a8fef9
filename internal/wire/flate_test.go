package wire

import (
	"compress/flate"
	"io"
)

func newFlateWriterForTest(w io.Writer) (*flate.Writer, error) {
	return flate.NewWriter(w, flate.BestSpeed)
}
