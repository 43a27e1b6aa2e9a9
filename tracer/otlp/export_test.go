package otlp

// SetGzip replaces e's gzipFunc, so that tests can make compression fail.
func SetGzip(e *Exporter, f func([]byte) ([]byte, error)) { e.gzip = f }
