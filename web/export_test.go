package web

// RegisterFS is register, for tests that serve pages of their own.
var RegisterFS = register
