// Package mohalla holds the vocabulary of the MohallaMart data layer: users, shops,
// products, orders, events, money and the one error type every layer speaks. It
// depends on nothing; the operations live in package market, the storage in store.
package mohalla
