package jupyter

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
)

// Images of a notebook, the PNG, JPEG and SVG outputs of its code cells and the attachments of its Markdown
// cells, become files beside the lesson, linked from the skeleton as images. Their names are import's own,
// never the notebook's (an attachment may be named ../../etc/x): cell-3-output-1.png, cell-5-attachment-0.jpg,
// in the directory the caller chose. Every image is decoded and checked here, before the caller writes
// anything; one that is not what its MIME type says refuses the notebook. An SVG is saved as a file and
// linked as an image, which a browser shows without running its scripts; it is never inlined.

// MaxImage is the largest image, in bytes once decoded, that import saves.
const MaxImage = 16 << 20

// File is a file that goes with the skeleton: Name is relative to the lesson's directory, with slashes.
type File struct {
	Name string
	Data []byte
}

// imageTypes are the image MIME types saved as files, with their file extensions.
var imageTypes = map[string]string{"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}

// image is an image of a cell, decoded.
type image struct {
	mime string
	data []byte
	key  string // an attachment's name in the notebook, which the Markdown refers to; "" for an output
	out  int    // an output's index in its cell's outputs
}

// decodeImage decodes the data of an image: base64 for PNG and JPEG (line breaks allowed, as nbformat writes
// them), text for SVG; it checks the size and that the bytes are what the MIME type says.
func decodeImage(mime string, raw json.RawMessage) ([]byte, error) {
	s, err := multiline(raw)
	if err != nil {
		return nil, err
	}
	var data []byte
	if mime == "image/svg+xml" {
		data = []byte(s)
	} else {
		clean := strings.Map(func(r rune) rune {
			if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, s)
		if base64.StdEncoding.DecodedLen(len(clean)) > MaxImage+3 {
			return nil, fmt.Errorf("larger than %d MiB", MaxImage>>20)
		}
		if data, err = base64.StdEncoding.DecodeString(clean); err != nil {
			return nil, fmt.Errorf("not base64: %v", err)
		}
	}
	if len(data) > MaxImage {
		return nil, fmt.Errorf("larger than %d MiB", MaxImage>>20)
	}
	magic := map[string][]byte{"image/png": []byte("\x89PNG\r\n\x1a\n"), "image/jpeg": []byte("\xff\xd8\xff")}[mime]
	if magic != nil && !bytes.HasPrefix(data, magic) {
		return nil, fmt.Errorf("not a %s image", imageTypes[mime])
	}
	if mime == "image/svg+xml" && !bytes.Contains(data, []byte("<svg")) {
		return nil, errors.New("not an SVG image (no <svg element)")
	}
	return data, nil
}

// readAttachments reads a Markdown cell's attachments: name → MIME type → data. Only images are kept; other
// types are listed in dropped.
func readAttachments(o object) ([]image, []string, error) {
	a, err := o.meta("attachments")
	if err != nil || len(a) == 0 {
		return nil, nil, err
	}
	raw, _ := asObject(o["attachments"])
	var imgs []image
	var dropped []string
	for _, key := range slices.Sorted(mapKeys(raw)) {
		byType, err := asObject(raw[key])
		if err != nil {
			return nil, nil, fmt.Errorf("attachments: %s: %w", quoted(key), err)
		}
		for _, mime := range slices.Sorted(mapKeys(byType)) {
			if _, ok := imageTypes[mime]; !ok {
				dropped = append(dropped, fmt.Sprintf("attachment %s is %s", quoted(key), mimeName(mime)))
				continue
			}
			data, err := decodeImage(mime, byType[mime])
			if err != nil {
				return nil, nil, fmt.Errorf("attachments: %s: %s: %w", quoted(key), mime, err)
			}
			imgs = append(imgs, image{mime: mime, data: data, key: key})
			break // one file per attachment: the first image type, in sorted order
		}
	}
	return imgs, dropped, nil
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// saveImage adds an image to the skeleton's files and returns the Markdown that shows it.
func (im *importer) saveImage(name string, img image, alt string) string {
	file := path.Join(im.filesDir, name+"."+imageTypes[img.mime])
	im.sk.Files = append(im.sk.Files, File{Name: file, Data: img.data})
	return "![" + alt + "](" + linkPath(file) + ")"
}

// linkPath returns a relative path as a link destination: each segment escaped.
func linkPath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// attachmentLinks returns a Markdown cell's source with its references to its attachments (attachment:NAME,
// the name as it is or escaped) made links to the saved files.
func (im *importer) attachmentLinks(i int, src string, imgs []image) string {
	for k, img := range imgs {
		link := im.saveImage(fmt.Sprintf("cell-%d-attachment-%d", i, k), img, "")
		target := link[len("![](") : len(link)-1]
		for _, ref := range []string{img.key, url.PathEscape(img.key), strings.ReplaceAll(img.key, " ", "%20")} {
			src = strings.ReplaceAll(src, "(attachment:"+ref+")", "("+target+")")
			src = strings.ReplaceAll(src, "(<attachment:"+ref+">)", "("+target+")")
		}
	}
	return src
}
