package serve

import "classnotes/runner/site"

// liven makes page the server's page of the lesson key: live panels, and controls for the teacher.
func liven(page *site.Page, key string, teacher bool) {
	page.Serve = &site.Serve{Lesson: key, Teacher: teacher}
}
