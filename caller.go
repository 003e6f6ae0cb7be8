package mohalla

// Role is what a caller is allowed to be.
type Role string

// The roles. A request without credentials is RoleAnonymous.
const (
	RoleAnonymous Role = "anonymous"
	RoleCustomer  Role = "customer"
	RoleShopOwner Role = "shop_owner"
	RoleAdmin     Role = "admin"
	RoleService   Role = "service"
)

// Valid reports whether r is one of the roles a token may carry.
func (r Role) Valid() bool {
	switch r {
	case RoleCustomer, RoleShopOwner, RoleAdmin, RoleService:
		return true
	}
	return false
}

// Caller is who asks for an operation: the JWT's sub, role and email.
type Caller struct {
	ID    string `json:"sub"`
	Role  Role   `json:"role"`
	Email string `json:"email,omitempty"`
}

// Anonymous is the caller of a request without credentials.
var Anonymous = Caller{Role: RoleAnonymous}

// System is the caller the data layer's own background work acts as.
var System = Caller{ID: "system", Role: RoleService}

// Is reports whether c has one of roles.
func (c Caller) Is(roles ...Role) bool {
	for _, r := range roles {
		if c.Role == r {
			return true
		}
	}
	return false
}

// Privileged reports whether c is an admin or a service.
func (c Caller) Privileged() bool { return c.Is(RoleAdmin, RoleService) }
