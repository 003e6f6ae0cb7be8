package httpapi_test

import (
	"strings"
	"testing"
)

func TestNotificationsAndWebhooks(t *testing.T) {
	t.Parallel()
	hook := `{"url":"https://shop.example/hooks/orders","secret":"0123456789abcdef"}`
	runScenarios(t, []scenario{
		{name: "anonymous may not register a webhook", method: "PUT", path: "/v1/shops/shop-a/webhook", body: hook, status: 401},
		{name: "a customer may not register a shop's webhook", method: "PUT", path: "/v1/shops/shop-a/webhook", as: "alice",
			body: hook, status: 403},
		{name: "another shop's owner may not register it", method: "PUT", path: "/v1/shops/shop-a/webhook", as: "oscar",
			body: hook, status: 403},
		{name: "the shop's owner registers its webhook", method: "PUT", path: "/v1/shops/shop-a/webhook", as: "olga",
			body: hook, status: 200, contains: []string{`"url":"https://shop.example/hooks/orders"`, `"shopId":"shop-a"`},
			notContains: []string{"0123456789abcdef"}},
		{name: "an admin replaces it", method: "PUT", path: "/v1/shops/shop-a/webhook", as: "admin",
			body: `{"url":"https://hooks.example:8443/x","secret":"another-long-secret"}`, status: 200,
			contains: []string{`"url":"https://hooks.example:8443/x"`}},
		{name: "a loopback webhook is refused", method: "PUT", path: "/v1/shops/shop-a/webhook", as: "olga",
			body: `{"url":"https://127.0.0.1:9/x","secret":"0123456789abcdef"}`, status: 422,
			contains: []string{`"field":"url"`, "loopback"}},
		{name: "the cloud metadata address is refused", method: "PUT", path: "/v1/shops/shop-a/webhook", as: "olga",
			body: `{"url":"https://169.254.169.254/latest/meta-data/","secret":"0123456789abcdef"}`, status: 422,
			contains: []string{`"field":"url"`, "link-local"}},
		{name: "a loopback address written as a number is refused", method: "PUT", path: "/v1/shops/shop-a/webhook", as: "olga",
			body: `{"url":"https://2130706433/x","secret":"0123456789abcdef"}`, status: 422, contains: []string{`"field":"url"`}},
		{name: "a webhook without TLS is refused", method: "PUT", path: "/v1/shops/shop-a/webhook", as: "olga",
			body: `{"url":"http://shop.example/x","secret":"0123456789abcdef"}`, status: 422,
			contains: []string{`"field":"url"`, "https"}},
		{name: "credentials in a webhook URL are refused and not echoed", method: "PUT", path: "/v1/shops/shop-a/webhook", as: "olga",
			body: `{"url":"https://shopuser:pa55word@shop.example/x","secret":"0123456789abcdef"}`, status: 422,
			contains: []string{`"field":"url"`}, notContains: []string{"pa55word", "shopuser"}},
		{name: "a webhook of an unknown shop is not found", method: "PUT", path: "/v1/shops/nope/webhook", as: "admin",
			body: hook, status: 404},
		{name: "a URL that is no URL is named", method: "PUT", path: "/v1/shops/shop-a/webhook", as: "olga",
			body: `{"url":"ftp://x","secret":"0123456789abcdef"}`, status: 422, contains: []string{`"field":"url"`}},
		{name: "a short secret is named", method: "PUT", path: "/v1/shops/shop-a/webhook", as: "olga",
			body: `{"url":"https://x.example","secret":"short"}`, status: 422, contains: []string{`"field":"secret"`}},
		{name: "a malformed webhook body is 400", method: "PUT", path: "/v1/shops/shop-a/webhook", as: "olga",
			body: `{"url":`, status: 400},
		{name: "a huge webhook body is 413", method: "PUT", path: "/v1/shops/shop-a/webhook", as: "olga",
			body: `{"url":"` + strings.Repeat("u", 1<<20) + `"}`, status: 413},

		{name: "anonymous may not list notifications", method: "GET", path: "/v1/notifications", status: 401},
		{name: "a user lists their own notifications", method: "GET", path: "/v1/notifications", as: "alice",
			status: 200, contains: []string{`"items":[`}},
		{name: "a user may not list another's", method: "GET", path: "/v1/notifications?userId=bob", as: "alice", status: 403},
		{name: "an admin lists anyone's", method: "GET", path: "/v1/notifications?userId=bob", as: "admin", status: 200},
		{name: "a bad limit is named", method: "GET", path: "/v1/notifications?limit=9999", as: "admin",
			status: 422, contains: []string{`"field":"limit"`}},
	})
}
