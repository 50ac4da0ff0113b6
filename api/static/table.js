// Sortable tables: click a heading of a table with class "sortable" to sort its rows (again: reverse).
// Numbers sort as numbers; the page's data is not changed, only the order of the rows shown.
document.addEventListener("click", (event) => {
  const th = event.target.closest("table.sortable th");
  if (!th || event.target.closest("a")) return;
  const table = th.closest("table"), body = table.tBodies[0], index = [...th.parentNode.children].indexOf(th);
  const descending = th.dataset.sorted === "asc";
  for (const other of th.parentNode.children) delete other.dataset.sorted;
  th.dataset.sorted = descending ? "desc" : "asc";
  const key = (row) => {
    const text = (row.cells[index]?.innerText ?? "").trim(), number = Number(text.replace(/,/g, ""));
    return text !== "" && !Number.isNaN(number) ? [0, number] : [1, text];
  };
  const rows = [...body.rows].sort((a, b) => {
    const [ka, va] = key(a), [kb, vb] = key(b);
    const order = ka !== kb ? ka - kb : (ka === 0 ? va - vb : va.localeCompare(vb, "zh"));
    return descending ? -order : order;
  });
  body.append(...rows);
});
