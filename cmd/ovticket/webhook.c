/*
 * Webhook notifications: one JSON POST per message through libcurl.
 */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "json.h"
#include "send.h"

/* Discards the answer's body: only the status code matters. */
static size_t
discard(char *data, size_t size, size_t n, void *ctx)
{
	(void)data;
	(void)ctx;
	return size * n;
}

int
webhook_post(const char *url, const char *text, long timeout,
    const char *ca_file, char *err, size_t errsize)
{
	struct curl_slist *headers = NULL;
	struct ov_buf body = { 0 };
	CURL *curl = curl_easy_init();
	CURLcode rc;
	long status = 0;

	if (curl == NULL) {
		snprintf(err, errsize, "cannot start libcurl");
		return -1;
	}
	ov_buf_adds(&body, "{\"text\":");
	ov_buf_add_json_string(&body, text, strlen(text));
	ov_buf_adds(&body, "}");
	headers = curl_slist_append(headers,
	    "Content-Type: application/json");
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)body.len);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	if (ca_file != NULL)
		curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file);
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	if (rc != CURLE_OK)
		snprintf(err, errsize, "%s", curl_easy_strerror(rc));
	else if (status < 200 || status > 299)
		snprintf(err, errsize, "HTTP status %ld", status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	ov_buf_free(&body);
	return rc == CURLE_OK && status >= 200 && status <= 299 ? 0 : -1;
}
