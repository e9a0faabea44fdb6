// The widget's own labels (buttons, placeholders, status lines). What the bot
// says comes from the bot (domain.yml); these are only the widget's chrome.
export const LABELS = {
  title: "车险在线客服",
  subtitle: "报案 · 查进度 · 问保障",
  open: "在线客服",
  close: "收起对话",
  placeholder: "请输入您的问题…",
  send: "发送",
  photo: "拍照/传图",
  photoHint: "发送事故照片",
  hint: "您好！可以直接问保障问题，比如“交强险赔多少”；出了事故请说“我要报案”。",
  connecting: "正在连接…",
  offline: "网络已断开，正在重新连接…",
  typing: "正在输入…",
  uploading: "正在上传照片…",
  uploadFailed: "照片没有传上去，请检查网络后再试一次。",
  photoSent: (name) => `已发送照片：${name}`,
  image: "图片",
};
