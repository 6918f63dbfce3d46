from tests.assessment_helpers import *
def test_try(app, client, demo_data):
    as_client(client, app, AINO)
    r = client.get("/home"); assert r.status_code == 200, r.text[-2000:]
    print(soup(r).find("main").get_text(" ", strip=True)[:800])
    aid, first = start(client)
    p = client.get(first); print(soup(p).find("main").prettify()[:3000])
    end = answer_all(client, first)
    print(end)
    c = client.get(end); assert c.status_code == 200, c.text[-3000:]
    r = send(client, aid); print(r.status_code, r.headers.get("location"))
    r = client.get(f"/assessment/{aid}"); assert r.status_code == 200, r.text[-3000:]
    print(soup(r).find("main").get_text(" ", strip=True)[:1500])
