package demo

import (
	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// AdminID is the subject of the demo's admin, who has no user row.
const AdminID = "admin"

// Accounts are the accounts the neighbourhood offers to sign in as (Seed
// makes its store a demo store offering them): its first customer, the owner
// of its first shop, and an admin.
func (n *Neighbourhood) Accounts() []store.DemoAccount {
	var as []store.DemoAccount
	if cs := n.Customers(); len(cs) > 0 {
		as = append(as, store.DemoAccount{Role: mohalla.RoleCustomer, UserID: cs[0].ID, Name: cs[0].Name, About: "a customer"})
	}
	if len(n.Shops) > 0 {
		owner := n.People[0]
		as = append(as, store.DemoAccount{Role: mohalla.RoleShopOwner, UserID: owner.ID, Name: owner.Name,
			About: "owns " + n.Shops[0].Name})
	}
	return append(as, store.DemoAccount{Role: mohalla.RoleAdmin, UserID: AdminID, Name: "Admin", About: "runs the node"})
}
