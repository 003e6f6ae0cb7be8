package outbound

// ControlDial is the dialer's check, for tests of the address classes that
// must never be dialled, even by a test.
var ControlDial = controlDial
