# The withdraw page's own Python `requests` snippets (create_withdraw_request, confirm_withdraw), called in a loop
# over the CSV as a script would; only the URL and the key are read from the environment. Prints the rows paid, 0 for
# an import time (nothing to import) and the milliseconds from reading the CSV to the last row.
import csv
import os
import sys
import time

import requests

BASE = os.environ["NORDPAY_BASE_URI"]
KEY = os.environ["NORDPAY_API_KEY"]


def create_withdraw_request(currency, address, amount):
    url = BASE + "balance/withdraw/request"
    headers = {"Content-Type": "application/json", "X-API-KEY": KEY}
    payload = {"currency": currency, "address": address, "amount": amount}
    resp = requests.post(url, json=payload, headers=headers)
    resp.raise_for_status()
    return resp.json()


def confirm_withdraw(identifier):
    url = BASE + "balance/withdraw/confirm"
    headers = {"Content-Type": "application/json", "X-API-KEY": KEY}
    payload = {"identifier": identifier}
    resp = requests.post(url, json=payload, headers=headers)
    resp.raise_for_status()
    return resp.json()


start = time.perf_counter()
paid = 0
with open(sys.argv[1], newline="") as rows:
    for row in csv.DictReader(rows):
        request_data = create_withdraw_request(row["Currency"], row["Address"], row["Amount"])
        confirm_withdraw(request_data["identifier"])
        paid += 1
print(f"{paid} 0 {(time.perf_counter() - start) * 1000:.1f}")
