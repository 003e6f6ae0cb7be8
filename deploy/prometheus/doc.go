// Package prometheus holds the Prometheus alerting rules for MohallaMart nodes
// (alerts.yml) and their test (alerts_test.yml), which go test runs with
// promtool.
package prometheus
