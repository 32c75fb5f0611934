// Package jupyter converts between lessons and Jupyter notebooks (nbformat 4): it exports a parsed lesson, with
// its programs and recorded outputs, as a deterministic .ipynb for the GoNB kernel, and imports a notebook as a
// lesson skeleton to be ported. It owns the notebook format and its errors; it never runs a cell, reads the
// cache or writes a file — the caller hands it bytes and writes what it returns.
package jupyter
