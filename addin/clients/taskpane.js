// Each button sends the workbook to the macro of the same name on the service that served
// this page; xlwings' client builds the request and applies the actions that come back.
Office.onReady(() => {
  for (const button of document.querySelectorAll("button[data-script]")) {
    button.addEventListener("click", () => run(button));
  }
});

async function run(button) {
  const status = document.getElementById("status");
  const buttons = document.querySelectorAll("button[data-script]");
  buttons.forEach((b) => (b.disabled = true));
  status.textContent = `${button.textContent}: em andamento…`;
  try {
    await xlwings.runPython(
      `${window.location.origin}/xlwings/custom-scripts-call/${button.dataset.script}`
    );
    status.textContent = `${button.textContent}: concluído.`;
  } catch (error) {
    status.textContent = `${button.textContent}: falhou (${error.message || error}).`;
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}
