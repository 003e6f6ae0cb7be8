package web_test

import "github.com/mohallamart/mohalla"

// admin is the caller the tests act as when they play the server's side.
var admin = mohalla.Caller{ID: "web-test", Role: mohalla.RoleAdmin}
