// Passkeys (WebAuthn): add a key on this phone, or log in with one.
//
// The page's form (data-passkey="register" or "login") stays hidden until
// this script finds that the browser can use passkeys; without JavaScript
// the page says that a passkey needs it. On submit the script asks the
// portal for options (a form post with the CSRF token, answered with JSON),
// hands them to the browser, puts the browser's answer in the form's hidden
// "credential" field and posts the form as any form: the portal answers
// with a page or a redirect, as it does for every other form.
(function () {
  "use strict";
  var form = document.querySelector("form[data-passkey]");
  if (!form) {
    return;
  }
  var status = document.getElementById("passkey-status");
  var needsScript = document.querySelector("[data-passkey-needs-js]");
  var answer = form.elements.credential;
  var button = form.querySelector("button[type=submit]");

  if (!window.PublicKeyCredential || !navigator.credentials || !window.fetch) {
    needsScript.textContent = needsScript.dataset.unsupported;
    return;
  }
  needsScript.hidden = true;
  form.hidden = false;

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withBytes(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, {id: toBytes(item.id)});
    });
  }

  function creationOptions(options) {
    return Object.assign({}, options, {
      challenge: toBytes(options.challenge),
      user: Object.assign({}, options.user, {id: toBytes(options.user.id)}),
      excludeCredentials: withBytes(options.excludeCredentials)
    });
  }

  function requestOptions(options) {
    return Object.assign({}, options, {
      challenge: toBytes(options.challenge),
      allowCredentials: withBytes(options.allowCredentials)
    });
  }

  function asJson(credential) {
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: {clientDataJSON: toText(response.clientDataJSON)}
    };
    if (response.attestationObject) {
      json.response.attestationObject = toText(response.attestationObject);
      json.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toText(response.authenticatorData);
      json.response.signature = toText(response.signature);
      json.response.userHandle = response.userHandle ? toText(response.userHandle) : undefined;
    }
    return JSON.stringify(json);
  }

  function say(text) {
    status.textContent = text;
  }

  // A problem the portal named (a wrong enrolment code, say): by its field.
  function showProblem(problem) {
    say(problem.error);
    var field = problem.field && document.getElementById(problem.field);
    if (field && field !== button) {
      field.setAttribute("aria-invalid", "true");
      field.focus();
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    answer.value = "";
    var body = new URLSearchParams(new FormData(form));
    body.delete("credential");
    say(status.dataset.working);
    fetch(form.dataset.options, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: {"Accept": "application/json"}
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          throw {problem: data};
        }
        return data;
      });
    }).then(function (options) {
      if (form.dataset.passkey === "register") {
        return navigator.credentials.create({publicKey: creationOptions(options)});
      }
      return navigator.credentials.get({publicKey: requestOptions(options)});
    }).then(function (credential) {
      answer.value = asJson(credential);
      form.submit();
    }).catch(function (error) {
      button.disabled = false;
      if (error && error.problem && error.problem.error) {
        showProblem(error.problem);
      } else if (error && error.name === "InvalidStateError" && form.dataset.passkey === "register") {
        say(status.dataset.already);  // this phone holds one of the person's keys already
      } else if (error && (error.name === "NotAllowedError" || error.name === "AbortError")) {
        say(status.dataset.cancelled);
      } else {
        say(status.dataset.failed);
      }
    });
  });
}());
