// Each button sends the workbook to the macro of the same name on the service that served
// this page; xlwings' client builds the request and applies the actions that come back.
// Every request carries the user's access token (`retaguarda users add` printed it): pasted
// once, it is kept in this browser's localStorage for this service's address, and sent as
// `Authorization: Bearer <token>` through runPython's `auth` option, which xlwings' client
// puts in that header as given.
const TOKEN_KEY = "retaguarda.token";

Office.onReady(() => {
  for (const button of document.querySelectorAll("button[data-script]")) {
    button.addEventListener("click", () => run(button));
  }
  document.getElementById("token-form").addEventListener("submit", saveToken);
  document.getElementById("token-forget").addEventListener("click", forgetToken);
  showToken();
});

function storedToken() {
  return window.localStorage.getItem(TOKEN_KEY) || "";
}

function showToken() {
  document.getElementById("token-state").textContent = storedToken()
    ? "Token salvo neste computador."
    : "Cole o token de acesso que o administrador lhe deu (começa com rg_).";
}

// The token is tried on the service before it is kept: a mistyped one is said at once,
// not at the first button.
async function saveToken(event) {
  event.preventDefault();
  const input = document.getElementById("token");
  const token = input.value.trim();
  const state = document.getElementById("token-state");
  if (!token) {
    state.textContent = "Cole o token no campo acima.";
    return;
  }
  try {
    const answer = await fetch(`${window.location.origin}/xlwings/custom-functions-meta`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (answer.status === 401 || answer.status === 403) {
      const body = await answer.json().catch(() => ({}));
      state.textContent = `Token recusado: ${body.error || answer.status}`;
      return;
    }
  } catch (error) {
    state.textContent = `Serviço fora do ar (${error.message || error}); tente de novo.`;
    return;
  }
  window.localStorage.setItem(TOKEN_KEY, token);
  input.value = "";
  showToken();
}

function forgetToken() {
  window.localStorage.removeItem(TOKEN_KEY);
  showToken();
}

async function run(button) {
  const status = document.getElementById("status");
  const token = storedToken();
  if (!token) {
    status.textContent = "Antes, cole o seu token de acesso no campo acima.";
    document.getElementById("token").focus();
    return;
  }
  const buttons = document.querySelectorAll("button[data-script]");
  buttons.forEach((b) => (b.disabled = true));
  status.textContent = `${button.textContent}: em andamento…`;
  try {
    await xlwings.runPython(
      `${window.location.origin}/xlwings/custom-scripts-call/${button.dataset.script}`,
      { auth: `Bearer ${token}` }
    );
    status.textContent = `${button.textContent}: concluído.`;
  } catch (error) {
    status.textContent = `${button.textContent}: falhou (${error.message || error}).`;
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}
